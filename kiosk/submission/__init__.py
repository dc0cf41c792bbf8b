"""Online submission at the kiosk: who applies, which papers, what is sent. No I/O here."""
