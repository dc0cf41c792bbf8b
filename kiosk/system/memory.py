"""Give memory back to the system between sessions.

A kiosk runs for months: every session builds screens full of label textures, and what a
finished session leaves is cyclic garbage that waits for a full collection, then free
memory that glibc keeps in its heap. Collecting and trimming while nobody is at the screen
keeps the resident size flat across sessions.

"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable


def _libc_trim() -> Callable[[int], int] | None:
    # the symbols this process already has: ctypes.util.find_library("c") would run
    # ldconfig in a subprocess, before the kiosk's first frame
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None


_TRIM = _libc_trim()  # absent on musl and macOS: collecting alone still helps


def collect() -> int:
    """Collect every generation; returns the number of objects found unreachable.

    Twice: finalizers run by the first pass (Kivy's property callbacks, weak-method
    proxies) leave new cycles that only a second pass finds."""
    return gc.collect() + gc.collect()


def give_back() -> None:
    """Hand the heap's free pages back to the system. Call it after what `collect` freed
    has really been released: Kivy deletes a dead texture's GL storage on the next frame."""
    if _TRIM is not None:
        _TRIM(0)
