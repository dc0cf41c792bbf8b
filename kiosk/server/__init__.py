"""The reference central API server (what a province runs), over SQLite."""
