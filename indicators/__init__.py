"""The framework catalogue: what is measured (frameworks, dimensions, categories, indicators, scales)."""
