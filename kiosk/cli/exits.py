"""How every `kiosk` command ends: an exit code and, on failure, one line saying why,
never a traceback. One place for `kiosk` and `python -m kiosk.cli.scan` alike.

0 done, 1 failed (the reason on stderr), 2 bad usage or configuration, 130 interrupted.
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CommandFailed(Exception):
    """A command could not do its work; the message is the one line to print."""


def reason(err: Exception) -> str:
    """The one line that says why a command failed."""
    from kiosk.store.client import ApiError

    if isinstance(err, ApiError):
        return err.reason
    if isinstance(err, OSError) and err.strerror:
        where = f" ({err.filename})" if err.filename else ""
        return f"{err.strerror}{where}"
    text = str(err) or type(err).__name__
    return text.splitlines()[0] if isinstance(err, CommandFailed | ValueError) else \
        f"{type(err).__name__}: {text.splitlines()[0]}"
