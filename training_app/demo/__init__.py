"""Demo data for trying the platform locally."""
