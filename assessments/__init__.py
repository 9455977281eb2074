"""Assessments: who scored what (participants, responses, evidence, workshops, workflow)."""
