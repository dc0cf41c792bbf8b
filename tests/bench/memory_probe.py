"""What the long-running benchmarks (bench_soak.py, bench_crowd.py) measure about the
process they run in, and the statistics they report it with: resident memory, glibc's
heap in use and held, Python's allocator, open files, GL textures, Kivy's caches,
resident memory by kind of mapping, and the least-squares slope with its standard error.

Imported by the benchmarks from their own folder (they run as scripts: tests/bench is
their sys.path[0]); not a test module."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

FLAT_PER_1000 = 5.0  # MB per 1000 sessions (or actions): the limit for "flat"
MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]


_libc = ctypes.CDLL(ctypes.util.find_library("c"))
_mallinfo2 = getattr(_libc, "mallinfo2", None)  # glibc 2.33+
if _mallinfo2 is not None:
    _mallinfo2.restype = MallInfo2
_libc.open_memstream.restype = ctypes.c_void_p
_libc.open_memstream.argtypes = [ctypes.POINTER(ctypes.c_char_p),
                                 ctypes.POINTER(ctypes.c_size_t)]
_libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
_libc.fclose.argtypes = [ctypes.c_void_p]


def allocator() -> str:
    """Which malloc this process runs on: jemalloc when preloaded, else glibc (and its
    arena limit when one is set)."""
    preload = os.environ.get("LD_PRELOAD", "")
    if "jemalloc" in preload:
        return "jemalloc"
    if "mimalloc" in preload:
        return "mimalloc"
    arenas = os.environ.get("MALLOC_ARENA_MAX")
    threshold = os.environ.get("MALLOC_MMAP_THRESHOLD_")
    return ((f"glibc MALLOC_ARENA_MAX={arenas}" if arenas else "glibc (default arenas)")
            + (f" MALLOC_MMAP_THRESHOLD_={threshold}" if threshold else ""))


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / MB


def anon_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def malloc_mb() -> float:
    """glibc's heap in use (mallinfo2: heap chunks and mmapped ones); nan under another
    allocator (jemalloc answers mallinfo2 with zeros)."""
    if _mallinfo2 is None or "LD_PRELOAD" in os.environ:
        return float("nan")
    info = _mallinfo2()
    return (info.uordblks + info.hblkhd) / MB


def arenas() -> tuple[int, float]:
    """glibc's arenas (malloc_info): how many, and the MB they hold from the system
    (what is in use, mallinfo2's figure, plus the free chunks they keep)."""
    if "LD_PRELOAD" in os.environ:
        return 0, float("nan")
    buf, size = ctypes.c_char_p(), ctypes.c_size_t()
    stream = _libc.open_memstream(ctypes.byref(buf), ctypes.byref(size))
    _libc.malloc_info(0, stream)
    _libc.fclose(stream)
    text = ctypes.string_at(buf, size.value).decode()
    _libc.free(buf)
    summary = text[text.rindex("</heap>"):]  # the totals over all arenas

    def total(kind: str) -> int:
        found = re.search(rf'<(?:total|system) type="{kind}"[^>]* size="(\d+)"', summary)
        return int(found.group(1)) if found else 0
    return text.count("<heap nr="), (total("current") + total("mmap")) / MB


def pymalloc_mb() -> float:
    """What Python's own allocator holds from the system: its arenas (anonymous mappings,
    outside malloc), kept while any block in them is in use."""
    with tempfile.TemporaryFile() as out:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(out.fileno(), 2)  # _debugmallocstats writes to the C stderr
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read().decode(errors="replace")
    found = re.search(r"(\d+) arenas \* (\d+) bytes/arena", text)
    return int(found.group(1)) * int(found.group(2)) / MB if found else float("nan")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def open_files(scratch: Path | None = None) -> Counter[str]:
    """What the open file descriptors are: sockets, pipes, files by their name."""
    kinds: Counter[str] = Counter()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if ":[" in target:
            target = target.split(":[")[0]
        elif scratch is not None:
            target = target.replace(str(scratch), "<scratch>")
        kinds[target] += 1
    return kinds


def anonymous_mappings() -> dict[str, int]:
    """Resident kB of each anonymous mapping (no file behind it; the heap), by its start
    address (a mapping that grows keeps its start, not its end)."""
    sizes: dict[str, int] = {}
    current = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if head[0][0] in "0123456789abcdef" and "-" in head[0]:
            name = head[5] if len(head) >= 6 else ""
            start = head[0].split("-")[0]
            current = start if not name else f"{name} {start}" if name == "[heap]" else ""
        elif current and head[0] == "Rss:":
            sizes[current] = int(head[1])
    return sizes


def _kind_of_mapping(name: str) -> str:
    if not name:
        return "anonymous (malloc arenas, pymalloc, GL buffers)"
    if name == "[heap]":
        return "[heap] (main malloc arena)"
    if name.startswith("["):
        return name
    base = name.rsplit("/", 1)[-1]
    if base.endswith((".ttf", ".otf")):
        return "fonts"
    if base.startswith("memfd:"):
        return "memfd (shared buffers)"
    # a package's own libraries, by the folder they are in
    for folder, kind in (("/cv2", "OpenCV"), ("/opencv", "OpenCV"), ("/numpy", "numpy"),
                         ("/kivy", "Kivy"), ("/pypdfium2", "PDF renderer (pdfium)"),
                         ("/zxingcpp", "zxing"), ("/PIL", "Pillow"), ("/pillow", "Pillow"),
                         ("/cryptography", "cryptography")):
        if folder in name:
            return kind
    for key, kind in (("LLVM", "LLVM (llvmpipe's compiler)"), ("_dri", "Mesa drivers"),
                      ("gallium", "Mesa drivers"), ("libGL", "GL/EGL libraries"),
                      ("libEGL", "GL/EGL libraries"), ("libpython", "Python"),
                      ("python3", "Python"), ("SDL", "SDL"), ("zbar", "zbar")):
        if key in base:
            return kind
    if "site-packages" in name:
        return "other Python extensions"
    if ".so" in base:
        return "other shared libraries"
    return "other files"


def resident_by_kind() -> Counter[str]:
    """Resident MB by kind of mapping (/proc/self/smaps): heaps, libraries, fonts..."""
    sizes: Counter[str] = Counter()
    kind = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if head[0][0] in "0123456789abcdef" and "-" in head[0]:
            kind = _kind_of_mapping(" ".join(head[5:]) if len(head) >= 6 else "")
        elif head[0] == "Rss:":
            sizes[kind] += int(head[1]) / 1024
    return sizes


def textures_alive() -> int:
    """Kivy textures still referenced from Python (every Texture object the collector
    tracks; a label's texture is one)."""
    from kivy.graphics.texture import Texture

    return sum(1 for o in gc.get_objects() if isinstance(o, Texture))


def kivy_cache_sizes() -> dict[str, int]:
    """Entries in each of Kivy's Cache categories (label textures, images, atlases...)."""
    from kivy.cache import Cache

    objects = getattr(Cache, "_objects", {})
    return {category: len(entries) for category, entries in objects.items()}


def type_counts() -> Counter[str]:
    return Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())


def fit_per_1000(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares slope of value over sessions (or actions), per 1000 of them, and its
    standard error (nan when there are too few points)."""
    n = len(points)
    mx = sum(x for x, _ in points) / max(1, n)
    my = sum(y for _, y in points) / max(1, n)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if n < 2 or sxx == 0:
        return float("nan"), float("nan")
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    if n < 3:
        return 1000 * slope, float("nan")
    residuals = sum((y - my - slope * (x - mx)) ** 2 for x, y in points)
    return 1000 * slope, 1000 * (residuals / (n - 2) / sxx) ** 0.5


def slope_per_1000(points: list[tuple[int, float]]) -> float:
    return fit_per_1000(points)[0]


def verdict(slope: float, error: float, points: int, unit: str) -> str:
    """FLAT when the slope is under FLAT_PER_1000 by more than two standard errors,
    GROWING when over it by as much; otherwise the run was too short for its noise."""
    low, high = slope - 2 * error, slope + 2 * error
    if points < 3 or error != error:
        return "too short to tell (fewer than 3 points in the last half)"
    if high < FLAT_PER_1000:
        return "FLAT"
    if low > FLAT_PER_1000:
        return "GROWING"
    return (f"NOT SHOWN: the slope, {low:+.1f} to {high:+.1f} MB/1000 {unit}, "
            "straddles the limit; a longer run would tell")


def ids_by_type(names: list[str]) -> dict[str, set[int]]:
    """The ids of the live objects of these types (module.qualname), to tell new ones
    later from those that were already there."""
    wanted = set(names)
    found: dict[str, set[int]] = {name: set() for name in names}
    for o in gc.get_objects():
        name = f"{type(o).__module__}.{type(o).__qualname__}"
        if name in wanted:
            found[name].add(id(o))
    return found


def _describe(o: object) -> str:
    """A short name for an object: a weak reference by what it points to and its
    callback, a bound method by its owner and name, anything else by its type."""
    import weakref

    if isinstance(o, weakref.ReferenceType):
        target = o()
        callback = getattr(o, "__callback__", None)
        return (f"weakref to {type(target).__qualname__ if target is not None else 'dead'}"
                f" (callback {_describe(callback) if callback is not None else 'none'})")
    owner = getattr(o, "__self__", None)
    name = getattr(o, "__qualname__", None) or getattr(o, "__name__", None)
    if owner is not None and name:
        return f"{type(owner).__qualname__}.{name}"
    return type(o).__qualname__


def who_holds(before: dict[str, set[int]], sample: int = 200) -> dict[str, Counter[str]]:
    """For each type, what its objects born since `before` are (weak references: to what,
    with which callback) and what refers to them: where the growth is held."""
    report: dict[str, Counter[str]] = {}
    objects = gc.get_objects()
    for name, old in before.items():
        new = [o for o in objects if f"{type(o).__module__}.{type(o).__qualname__}" == name
               and id(o) not in old][:sample]
        seen: Counter[str] = Counter()
        for o in new:
            seen[f"is {_describe(o)}"] += 1
            for holder in gc.get_referrers(o):
                if holder is objects or holder is new:
                    continue
                seen[f"held by {_describe(holder)}"] += 1
        report[name] = seen
    del objects
    return report


def holder_chain(target: object, depth: int = 8) -> list[str]:
    """What keeps `target` alive, one referrer after another (gc referrers; the first one
    that is not a frame, a cell's list of all objects or a container already seen), as
    short names: the path to where it is held."""
    import types

    chain: list[str] = []
    seen = {id(target)}
    current = target
    for _ in range(depth):
        holders = [h for h in gc.get_referrers(current)
                   if id(h) not in seen and not isinstance(h, types.FrameType)
                   and not (isinstance(h, list) and len(h) > 10000)]
        seen.add(id(holders))
        if not holders:
            chain.append("(nothing more: a root, or only frames)")
            break
        # an object's __dict__ stands for the object: go on from its owner
        holder = holders[0]
        seen.add(id(holder))
        if isinstance(holder, dict):
            owners = [o for o in gc.get_referrers(holder)
                      if getattr(o, "__dict__", None) is holder]
            seen.add(id(owners))
            key = next((k for k, v in holder.items() if v is current), None)
            if owners:
                holder = owners[0]
                seen.add(id(holder))
                chain.append(f"{_describe(holder)}.{key}")
            else:
                chain.append(f"dict[{key!r}]" if key is not None else "dict")
        else:
            chain.append(_describe(holder))
        current = holder
    return chain
