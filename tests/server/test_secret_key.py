"""The server's stored secret key: made once, shared by processes that start together."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from display_server.app import _stored_secret


def test_a_key_made_by_another_process_meanwhile_is_the_one_used(tmp_path: Path,
                                                               monkeypatch) -> None:
    """Four servers on one data folder start at once: each finds no key and makes one. The
    first one stored must be every process's key (else a token from one process is refused
    by the others: 401)."""
    theirs = "a" * 64
    make = secrets.token_hex

    def another_process_first(n: int) -> str:
        (tmp_path / "secret_key").write_text(theirs)  # stored between our look and our write
        return make(n)

    monkeypatch.setattr(secrets, "token_hex", another_process_first)
    assert _stored_secret(tmp_path) == theirs
    assert (tmp_path / "secret_key").read_text() == theirs
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left


def test_a_key_is_made_once_and_kept(tmp_path: Path) -> None:
    key = _stored_secret(tmp_path)
    assert len(key) == 64 and _stored_secret(tmp_path) == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("left", ["", "\n"])
def test_an_empty_key_file_is_replaced(tmp_path: Path, left: str) -> None:
    (tmp_path / "secret_key").write_text(left)
    key = _stored_secret(tmp_path)
    assert key and (tmp_path / "secret_key").read_text() == key
