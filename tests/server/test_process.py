"""The server process's heap: freed memory goes back to the system when trimmed, the server
trims it every minute (its RSS otherwise kept the high-water mark of every burst), and big
blocks stay out of the heap however big a block was freed before."""

from __future__ import annotations

import subprocess
import sys

import pytest

from display_server.process import keep_trimming_heap

FREED_THEN_TRIMMED = """
import sys
from display_server.process import trim_heap

def rss_mb():
    for line in open("/proc/self/smaps_rollup"):
        if line.startswith("Rss:"):
            return int(line.split()[1]) / 1024

blocks = [bytearray(100_000) for _ in range(500)]  # 50 MB on the heap (under mmap's threshold)
keep = bytearray(100_000)  # the heap's top stays in use: free() alone cannot shrink it
del blocks
before = rss_mb()
trim_heap()
print(before, rss_mb())
"""


BIG_BLOCKS_AFTER_A_BIGGER_ONE = """
import ctypes, sys
from display_server.process import tune_malloc

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "tuned":
    tune_malloc()
big = bytearray(4_000_000)  # a big block, mapped on its own
del big  # freed: glibc's own threshold follows it up
blocks = [bytearray(300_000) for _ in range(20)]  # then 6 MB of blocks over 128 KiB
print(libc.mallinfo2().hblks)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_big_blocks_stay_mapped_after_a_bigger_one_was_freed() -> None:
    def mapped(how: str) -> int:
        return int(subprocess.run([sys.executable, "-c", BIG_BLOCKS_AFTER_A_BIGGER_ONE, how],
                                  capture_output=True, text=True, check=True).stdout)

    assert mapped("tuned") >= 20  # each given back whole when freed
    assert mapped("untuned") < 20  # glibc's own: on the heap, where they leave holes


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trimming_gives_freed_heap_memory_back() -> None:
    out = subprocess.run([sys.executable, "-c", FREED_THEN_TRIMMED], capture_output=True,
                         text=True, check=True).stdout
    before, after = map(float, out.split())
    assert before - after > 40, (before, after)  # of the 50 MB freed


def test_the_server_trims_its_heap_after_every_interval() -> None:
    waits: list[float] = []
    trims: list[float] = []

    def sleep(seconds: float) -> None:
        if len(waits) == 3:
            raise KeyboardInterrupt  # the server stopping
        waits.append(seconds)

    with pytest.raises(KeyboardInterrupt):
        keep_trimming_heap(60, sleep=sleep, trim=lambda: trims.append(len(waits)))
    assert waits == [60, 60, 60] and trims == [1, 2, 3]
