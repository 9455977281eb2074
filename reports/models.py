"""Database models for reports."""
