"""servicehall package."""
