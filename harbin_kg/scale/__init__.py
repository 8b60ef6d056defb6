"""Beyond the curated data: synthetic ecosystems of any size."""
