"""app.server: the process-wide hazards. The heap trim gives a departed visitor's memory back; the arena cap
keeps every thread in two malloc arenas."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import server


def test_release_free_heap_returns_a_departed_visitors_scattered_memory():
    """Memory freed in the middle of a heap (small blocks, every other one kept) stays in the process until
    the heap is trimmed: what a departed session's thread leaves in its arena."""
    import threading

    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's malloc_trim")

    def rss_kib() -> int:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

    kept = []

    def visitor():  # a thread's arena: 160 MB of 4 KB blocks, every 40th kept, so the heap's top stays
        blocks = [bytearray(4000) for _ in range(40_000)]
        kept.extend(blocks[::40])

    thread = threading.Thread(target=visitor)
    thread.start()
    thread.join()
    before = rss_kib()
    assert server.release_free_heap()
    freed_mib = (before - rss_kib()) / 1024
    assert freed_mib > 100, f"trimming gave back {freed_mib:.0f} MiB"  # 148 MiB here; without it, nothing
    assert len(kept) == 1000


ARENAS_OF_EIGHT_THREADS = textwrap.dedent("""
    import ctypes, sys, threading
    from app import server
    applied = server.cap_malloc_arenas() if sys.argv[1] == "cap" else None
    ready, kept = threading.Barrier(8), []

    def visitor():  # a script run's thread: it allocates (through malloc, not pymalloc) while seven others live
        kept.append([bytearray(4000) for _ in range(100)])
        ready.wait()

    threads = [threading.Thread(target=visitor) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(applied, flush=True)
    ctypes.CDLL("libc.so.6").malloc_stats()  # one "Arena k:" line per arena, on stderr
""")


@pytest.mark.parametrize("cap", [True, False])
def test_the_arena_cap_keeps_every_thread_in_two_malloc_arenas(cap):
    """Eight threads alive at once get an arena each from glibc (nine with the main thread's); capped, they share
    two. The cap applies here (glibc), and where there is no glibc it says so and does nothing."""
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's mallopt")
    done = subprocess.run([sys.executable, "-c", ARENAS_OF_EIGHT_THREADS, "cap" if cap else "no cap"],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[1])
    arenas = done.stderr.count("Arena ")
    if cap:
        assert done.stdout.split() == ["True"] and arenas == 2, (done.stdout, arenas)
    else:
        assert arenas > 2, arenas  # one each (up to 8 per core): what the cap prevents, so the test can fail
