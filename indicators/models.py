"""Database models for indicators."""
