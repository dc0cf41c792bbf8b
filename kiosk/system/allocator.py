"""The memory allocator the kiosk's UI runs on, chosen by measurement.

glibc's malloc gives each thread that allocates its own arena, up to 8 per core (Mesa's
render threads, the camera, the API client), and what is freed in one stays resident
until it is trimmed. Measured with the crowd benchmark (tests/bench/bench_crowd.py, 1000
actions; README.md, "Memory"), glibc limited to two arenas held the least and stayed
flat; glibc's default grew; jemalloc (Debian's libjemalloc2 through LD_PRELOAD) held the
most and grew fastest, its freed pages waiting for its own decay where glibc's are
trimmed when the kiosk tidies after a session (kiosk/system/memory.py).

Large blocks (label and page textures in Mesa's software renderer, PDF pages, camera
frames) go to their own mappings: glibc raises its mmap threshold after each such block
is freed (up to 32 MB), after which the next ones are carved from the heap, where a
single small block left after them keeps their pages. Fixing the threshold at glibc's
starting 128 kB (M_MMAP_THRESHOLD, what MALLOC_MMAP_THRESHOLD_ sets; it fixes the trim
threshold too) gives them back at free: the soak benchmark's level after its warm-up
fell by ~12 MB with it.

So `kiosk run` and `kiosk demo` set glibc up this way as their first act, in the
process itself (mallopt's M_ARENA_MAX, what MALLOC_ARENA_MAX sets). glibc fixes the
limit only once it needs a ninth arena, so it holds as long as this runs before the
threads start. MALLOC_ARENA_MAX is set in the environment too, for the processes the
kiosk starts (the PDF renderer); a value the environment already has is the operator's
choice and is left alone (glibc read it at start). The systemd unit, a terminal and the
demo then run alike.

Python's own allocator (pymalloc) keeps small objects in 1 MB arenas that go back to the
system only when entirely empty: a session's widgets fill arenas that a few long-lived
objects then keep. With PYTHONMALLOC=malloc they are in glibc's heap, whose free pages the
tidy after each session gives back. Measured with the soak benchmark (seed 1, 150
sessions each; README.md, "Memory"): ~330-333 MB after the warm-up against ~340-343 MB,
flat; search ~13% slower a key (p50 0.51 against 0.45 ms); start-up ~20 ms longer.
Python reads PYTHONMALLOC only as it starts, so set_up() runs the process again with it
(os.execv: the same process id, arguments and environment) when the environment does not
say; a value there is the operator's choice (PYTHONMALLOC=pymalloc: Python's own).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, MutableMapping

ARENAS = 2
PYTHON_ALLOCATOR = "malloc"  # PYTHONMALLOC: Python's small objects in glibc's heap
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, kept from then on
M_ARENA_MAX = -8  # glibc's malloc.h
M_MMAP_THRESHOLD = -3


def limit_arenas(environ: MutableMapping[str, str] | None = None,
                 libc: ctypes.CDLL | None = None) -> bool:
    """Limit glibc's malloc to ARENAS arenas, unless MALLOC_ARENA_MAX already says how
    many; True when this call set the limit. Elsewhere than glibc (musl), nothing."""
    environ = os.environ if environ is None else environ
    if "MALLOC_ARENA_MAX" in environ:
        return False
    try:
        libc = libc or ctypes.CDLL(None)  # the C library this process already has
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 -- glibc's own: M_ARENA_MAX means this
    except (OSError, AttributeError):
        return False
    if mallopt(M_ARENA_MAX, ARENAS) != 1:
        return False
    environ["MALLOC_ARENA_MAX"] = str(ARENAS)  # for the processes the kiosk starts
    return True


def fix_mmap_threshold(environ: MutableMapping[str, str] | None = None,
                       libc: ctypes.CDLL | None = None) -> bool:
    """Keep glibc's mmap threshold at MMAP_THRESHOLD (no dynamic raising), unless
    MALLOC_MMAP_THRESHOLD_ already says; True when this call set it."""
    environ = os.environ if environ is None else environ
    if "MALLOC_MMAP_THRESHOLD_" in environ:
        return False
    try:
        libc = libc or ctypes.CDLL(None)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 -- glibc's own
    except (OSError, AttributeError):
        return False
    if mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1:
        return False
    environ["MALLOC_MMAP_THRESHOLD_"] = str(MMAP_THRESHOLD)  # for the processes it starts
    return True


def python_objects_in_malloc(environ: MutableMapping[str, str] | None = None,
                             execv: Callable[[str, list[str]], object] = os.execv) -> bool:
    """Run this process again with PYTHONMALLOC=malloc, unless PYTHONMALLOC already says
    (the operator's choice, or this is the process run again); False when it did not.
    The same process id, arguments and environment: systemd and a parent waiting on it
    see one process."""
    environ = os.environ if environ is None else environ
    if "PYTHONMALLOC" in environ:
        return False
    environ["PYTHONMALLOC"] = PYTHON_ALLOCATOR
    try:
        execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    except OSError:  # no interpreter to run again: Python's own allocator it is
        return False
    return True  # only a stand-in for execv returns


def set_up(environ: MutableMapping[str, str] | None = None) -> None:
    """The kiosk's allocators (see the module's text): Python's objects in glibc's malloc
    (the process runs again with it when the environment does not say), and glibc with
    two arenas and a fixed mmap threshold."""
    python_objects_in_malloc(environ)
    limit_arenas(environ)
    fix_mmap_threshold(environ)
