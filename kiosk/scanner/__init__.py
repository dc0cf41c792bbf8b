"""Receipt QR codes: the camera worker, the decoding pipeline, and which payloads are
receipts. No Kivy here; the UI shows what the worker finds."""


def is_device(source: str) -> bool:
    """A camera index ("0") rather than a file path or pattern. Here, away from OpenCV:
    the heartbeat asks it every interval and must not load OpenCV to know."""
    return source.strip().isdigit()
