"""What the configured camera source (`scanner.camera`) names: a device or a file. Here,
away from OpenCV and below the store: the heartbeat asks it every interval and must not
load OpenCV to know, and the camera worker asks it too."""


def is_device(source: str) -> bool:
    """A camera index ("0") rather than a file path or pattern."""
    return source.strip().isdigit()
