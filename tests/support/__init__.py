"""What the tests, benchmarks and the screenshot tour need and the kiosk does not: photo,
video and data generators, the UI driver, speech outputs to files. The product never
imports this package (tests/test_boundaries.py checks) and the wheel does not ship it."""
