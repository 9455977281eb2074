"""Assessment pages, one module per part of the journey; views stay short and ask services and rules."""
