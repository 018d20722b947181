"""The deployment guides and units refer to things that exist: files, links, commands, options."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["install.md", "huong-dan-van-hanh.md", "printers.md"]
UNITS = ROOT / "deploy" / "systemd"


def motcua_help(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "motcua", *args, "--help"], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


@pytest.mark.parametrize("doc", DOCS)
def test_links_point_at_files(doc: str) -> None:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#:]+)\)", text)
    assert links, doc
    for link in links:
        assert (ROOT / "docs" / link).exists(), f"{doc}: broken link {link}"


def commands_in(text: str) -> set[tuple[str, ...]]:
    """motcua subcommands (with a sub-subcommand where there is one) used in a text."""
    found = set()
    for m in re.finditer(r"(?:/opt/motcua/bin/motcua|\$M)\s+([a-z-]+)(?:\s+([a-z-]+))?", text):
        found.add((m.group(1), m.group(2)) if m.group(2) else (m.group(1),))
    return found


def test_commands_in_the_guides_exist() -> None:
    used: set[tuple[str, ...]] = set()
    for doc in DOCS:
        used |= commands_in((ROOT / "docs" / doc).read_text(encoding="utf-8"))
    assert ("backup",) in used and ("restore",) in used and ("printer", "test") in used
    for cmd in sorted(used):
        r = motcua_help(*cmd)
        if r.returncode != 0 and len(cmd) == 2:  # "officer add an.nv": the second word is an argument
            r = motcua_help(cmd[0])
        assert r.returncode == 0, f"motcua {' '.join(cmd)}: {r.stderr}"


def test_the_units_start_real_commands_with_real_options() -> None:
    for unit in sorted(UNITS.glob("*.service")):
        for line in re.findall(r"^ExecStart=.*/opt/motcua/bin/motcua (.*)$", unit.read_text(), re.M):
            words = [w for w in line.split() if not w.startswith("$")]
            r = motcua_help(words[0])
            assert r.returncode == 0, f"{unit.name}: motcua {words[0]} does not exist: {r.stderr}"
            for option in (w for w in words[1:] if w.startswith("--")):
                assert option in r.stdout, f"{unit.name}: motcua {words[0]} has no {option}"


def test_operator_guide_is_vietnamese_and_covers_the_brief() -> None:
    text = (ROOT / "docs" / "huong-dan-van-hanh.md").read_text(encoding="utf-8")
    for phrase in ("Mất kết nối máy chủ", "Sao lưu và khôi phục", "Tài khoản cán bộ",
                   "Kiểm tra máy in", "Nút đánh giá", "Liên hệ", "Thay đổi cấu hình",
                   "Bật, tắt hằng ngày", "wiring.md"):
        assert phrase in text, phrase
    # Written with its diacritics, not in unaccented Vietnamese.
    assert len(re.findall(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]",
                          text.lower())) > 500
