"""Receipt QR codes: the camera worker, the decoding pipeline, and which payloads are
receipts. No Kivy here; the UI shows what the worker finds."""
