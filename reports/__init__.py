"""Reports: what the scores mean (pandas analysis, plotly charts, PDF and data exports)."""
