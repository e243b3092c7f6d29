"""Demo and benchmark communities."""
