"""The ``motcua`` command, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path: Path):
    env = {**os.environ, "MOTCUA_CONFIG": str(ROOT / "config" / "demo.toml"),
           "MOTCUA_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "motcua", *args], input=stdin, env=env,
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)

    return run


def test_help_and_version(run) -> None:
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("init", "config", "officer", "demo"):
        assert cmd in r.stdout
    assert run("--version").stdout.startswith("motcua, version")


def test_init_creates_then_is_idempotent(run, tmp_path: Path) -> None:
    r = run("init")
    assert r.returncode == 0, r.stderr
    assert "database created" in r.stdout
    assert "motcua officer add admin --role admin" in r.stdout
    assert (tmp_path / "data" / "motcua.db").exists()
    r = run("init")
    assert r.returncode == 0 and "database up to date" in r.stdout


def test_officer_add_list_passwd(run, tmp_path: Path) -> None:
    r = run("officer", "add", "an.nv", "--full-name", "Nguyễn Văn An", "--counters", "quay-1,quay-2",
            "--password-stdin", stdin="matkhau-123\n")
    assert r.returncode == 0, r.stderr
    assert "added officer an.nv (counters: quay-1, quay-2)" in r.stdout
    r = run("officer", "add", "admin", "--role", "admin", "--password-stdin", stdin="matkhau-456\n")
    assert r.returncode == 0, r.stderr
    listing = run("officer", "list").stdout
    assert "an.nv" in listing and "Nguyễn Văn An" in listing and "admin" in listing
    assert run("officer", "passwd", "an.nv", "--password-stdin", stdin="doimatkhau-789\n").returncode == 0
    from motcua.core.accounts import Accounts
    from motcua.core.storage import Database

    accounts = Accounts(Database(f"sqlite:///{tmp_path / 'data' / 'motcua.db'}"))
    assert accounts.authenticate("an.nv", "doimatkhau-789") is not None
    assert accounts.authenticate("an.nv", "matkhau-123") is None
    r = run("officer", "disable", "an.nv")
    assert r.returncode == 0 and "(disabled)" in run("officer", "list").stdout
    assert accounts.authenticate("an.nv", "doimatkhau-789") is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("officer", "add", "an", "--password-stdin"), "short\n", "error: password must have at least 8"),
        (("officer", "add", "An Nguyen", "--password-stdin"), "matkhau-123\n", "error: username must be"),
        (("officer", "add", "an", "--counters", "quay-9", "--password-stdin"), "matkhau-123\n",
         "error: unknown counter(s): quay-9"),
        (("officer", "passwd", "ghost", "--password-stdin"), "matkhau-123\n", "error: no officer named 'ghost'"),
    ],
)
def test_user_errors_are_one_line(run, args, stdin, message) -> None:
    r = run(*args, stdin=stdin)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [r.stderr.strip()]
    assert r.stderr.startswith(message)
    assert "Traceback" not in r.stderr


def test_config_check_good_and_bad(run, tmp_path: Path) -> None:
    r = run("config", "check", str(ROOT / "config" / "province.toml"))
    assert r.returncode == 0
    assert "OK" in r.stdout and "counters: 30" in r.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[centre]\nname = "X"\nfoo = 1\n[[fields]]\nid = "a"\nname = "A"\n'
                   'numbering = { range = "1-9" }\n[[counters]]\nid = "q"\nnumber = 1\nfields = ["b"]\n')
    r = run("config", "check", str(bad))
    assert r.returncode == 1
    assert "centre.foo: unknown key" in r.stderr
    assert "Traceback" not in r.stderr
    r = run("config", "check", str(tmp_path / "missing.toml"))
    assert r.returncode == 1 and "file not found" in r.stderr


def test_config_check_says_where_the_procedures_look_up_comes_from(run, tmp_path: Path) -> None:
    r = run("config", "check", str(ROOT / "config" / "demo.toml"))
    assert "procedures look-up: 19 procedures from " in r.stdout
    copied = tmp_path / "motcua.toml"  # the config copied alone: the look-up would be empty
    copied.write_text((ROOT / "config" / "demo.toml").read_text(encoding="utf-8"), encoding="utf-8")
    r = run("config", "check", str(copied))
    assert r.returncode == 0
    assert ("procedures look-up: none: no motcua.procedures.toml beside this config, so the "
            "kiosk's look-up screen is empty") in r.stdout


def test_bad_config_in_use_is_a_clear_error(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("not toml [")
    r = run("--config", str(bad), "init")
    assert r.returncode == 1
    assert r.stderr.startswith(f"error: config {bad}: not valid TOML")


def test_unwritable_database_is_a_clear_error(run, tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.write_text("a file where the data directory should be")
    r = run("officer", "list")
    assert r.returncode == 1
    assert r.stderr.startswith("error:") and "Traceback" not in r.stderr


def test_terminal_demo_runs_a_day(run, tmp_path: Path) -> None:
    r = run("demo", "--terminal", "--tickets", "12", "--data-dir", str(tmp_path / "demo"))
    assert r.returncode == 0, r.stderr
    assert "12 số đã cấp, 12 đã phục vụ" in r.stdout
    assert "Xin mời số" in r.stdout
    assert "Điểm hài lòng (QĐ 766)" in r.stdout
    from motcua.core.storage import Database

    db = Database(f"sqlite:///{tmp_path / 'demo' / 'motcua.db'}")
    with db.read() as conn:
        assert conn.exec_driver_sql("select count(*) from tickets").scalar() == 12


def test_fields_whose_numbers_overlap_stop_every_command(run, tmp_path: Path) -> None:
    """Chứng thực given 1001-2999 would issue 1001 as Hộ tịch does: two citizens, one number."""
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    overlapping = tmp_path / "overlap.toml"
    overlapping.write_text(text.replace('range = "2001-2999"', 'range = "1001-2999"'),
                           encoding="utf-8")
    for args in (["config", "check", str(overlapping)],
                 ["--config", str(overlapping), "server", "--port", "1"],
                 ["--config", str(overlapping), "kiosk", "--offscreen"]):
        r = run(*args)
        assert r.returncode == 1, args
        assert ("field 'chung-thuc' (range 1001-2999) prints the same numbers as field 'ho-tich' "
                "(range 1001-1999), e.g. 1001") in r.stderr, args
        assert "Traceback" not in r.stderr
