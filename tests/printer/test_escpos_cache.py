"""python-escpos's capabilities cache: kept in the user's cache folder, nothing left in /tmp."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHOW = ("import printer, escpos.capabilities as c; "
        "print(c.pickle_path); print(len(c.CAPABILITIES['profiles']))")


def run(tmp_path: Path, cache: Path) -> subprocess.CompletedProcess:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env.update(XDG_CACHE_HOME=str(cache), TMPDIR=str(tmpdir), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True,
                          timeout=60, check=True)


def test_the_pickle_is_kept_in_the_cache_folder_and_reused(tmp_path: Path):
    first = run(tmp_path, tmp_path / "cache")
    pickle = Path(first.stdout.split()[0])
    assert pickle.parent == tmp_path / "cache" / "motcua"
    assert pickle.is_file() and int(first.stdout.split()[1]) > 10
    made = pickle.stat().st_mtime_ns
    second = run(tmp_path, tmp_path / "cache")
    assert second.stdout == first.stdout
    assert pickle.stat().st_mtime_ns == made  # loaded, not written again
    assert list((tmp_path / "tmp").iterdir()) == []  # no folder left behind per start


def test_a_pickle_cut_short_is_rebuilt(tmp_path: Path):
    pickle = Path(run(tmp_path, tmp_path / "cache").stdout.split()[0])
    pickle.write_bytes(pickle.read_bytes()[:100])  # as after a power cut while writing
    again = run(tmp_path, tmp_path / "cache")
    assert "unreadable" in again.stderr and "rebuilt" in again.stderr
    assert int(again.stdout.split()[1]) > 10
    assert pickle.stat().st_size > 1000


def test_without_a_writable_cache_folder_the_temporary_one_is_removed(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    out = run(tmp_path, blocker)
    assert Path(out.stdout.split()[0]).parent.parent == tmp_path / "tmp"
    assert list((tmp_path / "tmp").iterdir()) == []  # removed when the process ended
