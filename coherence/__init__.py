"""Coherence: assess how well a country governs labour migration, and how coherent its policies are."""
