"""Where the files shipped with the code live (demo data, fonts, images)."""

from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
DEMO = ASSETS / "demo"
PICTOGRAMS = ASSETS / "pictograms"  # drawn from source.toml by scripts/make_pictograms.py
