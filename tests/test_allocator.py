"""`kiosk run` and `kiosk demo` limit glibc's malloc to two arenas before any thread
starts, and keep its mmap threshold fixed (kiosk/system/allocator.py): real processes and
threads, arenas counted by glibc's own malloc_info, mapped blocks by its mallinfo2."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

from kiosk.system.allocator import ARENAS, fix_mmap_threshold, limit_arenas

# eight threads alive at once, each allocating from malloc (10 kB: below mmap's threshold)
# once the limit was set, or not; then glibc's count of its arenas
PROBE = """
import ctypes, sys, threading
if sys.argv[1] == "limit":
    from kiosk.system.allocator import limit_arenas
    assert limit_arenas()
import os
print(os.environ.get("MALLOC_ARENA_MAX", ""))
together = threading.Barrier(8)
kept = []
def work():
    together.wait()
    kept.append([bytes(10_000) for _ in range(50)])
    together.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(None)
libc.open_memstream.restype = ctypes.c_void_p
libc.open_memstream.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t)]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
buf, size = ctypes.c_char_p(), ctypes.c_size_t()
stream = libc.open_memstream(ctypes.byref(buf), ctypes.byref(size))
libc.malloc_info(0, stream)
libc.fclose(stream)
print(ctypes.string_at(buf, size.value).decode().count("<heap nr="))
"""


def glibc() -> bool:
    return hasattr(ctypes.CDLL(None), "gnu_get_libc_version")


def arenas_with(how: str) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run([sys.executable, "-c", PROBE, how], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    variable, count = done.stdout.split()[:2] if how == "limit" else ("", done.stdout.split()[0])
    return variable, int(count)


def test_the_limit_holds_for_threads_started_after_it() -> None:
    if not glibc():
        pytest.skip("not glibc: the kiosk leaves other C libraries' malloc as it is")
    variable, limited = arenas_with("limit")
    _, default = arenas_with("default")
    assert variable == str(ARENAS)  # and the processes it starts inherit it
    assert limited <= ARENAS < default  # without it, each thread got an arena of its own


def test_an_operators_choice_in_the_environment_is_kept() -> None:
    environ = {"MALLOC_ARENA_MAX": "4"}
    assert limit_arenas(environ) is False
    assert environ == {"MALLOC_ARENA_MAX": "4"}


# a 1 MB block freed (glibc would raise its threshold to it), then a 512 kB one held: is it
# a mapping of its own (mallinfo2's count of mapped blocks goes up) or carved from the heap
MAPPED = """
import ctypes, sys
if sys.argv[1] == "fixed":
    from kiosk.system.allocator import fix_mmap_threshold
    assert fix_mmap_threshold()
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks",
                "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.free(libc.malloc(1 << 20))
before = libc.mallinfo2().hblks
held = libc.malloc(512 * 1024)
print(libc.mallinfo2().hblks - before)
"""


def mapped_after_a_large_free(how: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}
    done = subprocess.run([sys.executable, "-c", MAPPED, how], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    return int(done.stdout.split()[0])


def test_large_blocks_keep_their_own_mappings_after_a_larger_one_was_freed() -> None:
    if not glibc() or not hasattr(ctypes.CDLL(None), "mallinfo2"):
        pytest.skip("not glibc 2.33+: no mallinfo2 to count mapped blocks with")
    assert mapped_after_a_large_free("fixed") == 1  # given back to the system at free
    assert mapped_after_a_large_free("default") == 0  # glibc's raised threshold: the heap


def test_an_operators_mmap_threshold_is_kept() -> None:
    environ = {"MALLOC_MMAP_THRESHOLD_": "65536"}
    assert fix_mmap_threshold(environ) is False
    assert environ == {"MALLOC_MMAP_THRESHOLD_": "65536"}


def test_the_kiosk_runs_again_with_python_objects_in_malloc() -> None:
    # set_up() runs the process again, same id and arguments, with PYTHONMALLOC=malloc
    # (Python's own allocator then counts no blocks); a value already there is kept
    code = ("import os, sys\n"
            "from kiosk.system import allocator\n"
            "allocator.set_up()\n"
            "print(os.environ['PYTHONMALLOC'], sys.argv[1], os.getpid(),"
            " sys.getallocatedblocks() == 0)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONMALLOC"}
    process = subprocess.Popen([sys.executable, "-c", code, "an-argument"], env=env,
                               stdout=subprocess.PIPE, text=True)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert out.split() == ["malloc", "an-argument", str(process.pid), "True"]
    kept = subprocess.run([sys.executable, "-c", code, "x"], capture_output=True, text=True,
                          env={**env, "PYTHONMALLOC": "pymalloc"}, check=True, timeout=60)
    assert kept.stdout.split()[0] == "pymalloc" and kept.stdout.split()[3] == "False"
