"""Database models for assessments."""
