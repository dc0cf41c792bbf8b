"""Fees paid by bank transfer: the VietQR code a person scans with their bank's app. No I/O."""
