"""The memory allocator the kiosk's UI runs on, chosen by measurement.

glibc's malloc gives each thread that allocates its own arena, up to 8 per core (Mesa's
render threads, the camera, the API client), and what is freed in one stays resident
until it is trimmed. Measured with the crowd benchmark (tests/bench/bench_crowd.py, 1000
actions; README.md, "Memory"), glibc limited to two arenas held the least and stayed
flat; glibc's default grew; jemalloc (Debian's libjemalloc2 through LD_PRELOAD) held the
most and grew fastest, its freed pages waiting for its own decay where glibc's are
trimmed when the kiosk tidies after a session (kiosk/system/memory.py).

So `kiosk run` and `kiosk demo` limit glibc to two arenas as their first act, in the
process itself (mallopt's M_ARENA_MAX, what MALLOC_ARENA_MAX sets): no re-execution, no
start-up cost, nothing to loop. glibc fixes the limit only once it needs a ninth arena,
so it holds as long as this runs before the threads start. MALLOC_ARENA_MAX is set in
the environment too, for the processes the kiosk starts (the PDF renderer); a value the
environment already has is the operator's choice and is left alone (glibc read it at
start). The systemd unit, a terminal and the demo then run alike.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import MutableMapping

ARENAS = 2
M_ARENA_MAX = -8  # glibc's malloc.h


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
