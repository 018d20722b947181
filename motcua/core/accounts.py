"""Officer and admin accounts, with argon2 password hashes. Pure Python, no Flask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from .storage import tables as t
from .storage.database import Database
from .storage.prepared import Prepared

if TYPE_CHECKING:
    from argon2 import PasswordHasher

ROLES = ("officer", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8



@cache
def _hasher() -> PasswordHasher:
    """The password hasher, imported on first use (a login, not the server's start: it keeps
    argon2's modules out of an idle server's memory). Moderate cost: about 50 ms and 32 MiB on a
    Raspberry Pi 4, so logins stay quick there."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=2)

_BY_ID = Prepared(select(t.officers).where(t.officers.c.id == bindparam("b_id")))


class AccountError(ValueError):
    """A bad username, password, role or counter list; the message says which."""


@dataclass(frozen=True)
class Officer:
    id: int
    username: str
    full_name: str
    role: str
    counters: tuple[str, ...]  # empty: every counter
    active: bool

    def may_use(self, counter_id: str) -> bool:
        return self.role == "admin" or not self.counters or counter_id in self.counters


def _officer(row) -> Officer:
    counters = tuple(c for c in (row.counters or "").split(",") if c)
    return Officer(id=row.id, username=row.username, full_name=row.full_name, role=row.role,
                   counters=counters, active=bool(row.active))


class Accounts:
    """Add, list, check and change officer accounts."""

    def __init__(self, db: Database, counter_ids: set[str] | None = None):
        self.db = db
        self.counter_ids = counter_ids

    def _check_counters(self, counters: tuple[str, ...]) -> str:
        if self.counter_ids is not None:
            unknown = [c for c in counters if c not in self.counter_ids]
            if unknown:
                raise AccountError(f"unknown counter(s): {', '.join(unknown)}")
        return ",".join(counters)

    def add(self, username: str, password: str, *, full_name: str = "", role: str = "officer",
            counters: tuple[str, ...] = ()) -> Officer:
        if not USERNAME.match(username):
            raise AccountError(
                "username must be 2-64 characters: lowercase letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"role must be one of: {', '.join(ROLES)}")
        _check_password(password)
        values = {
            "username": username, "full_name": full_name.strip(), "role": role,
            "password_hash": _hasher().hash(password), "counters": self._check_counters(counters),
            "active": True, "created_at": datetime.now(UTC).replace(tzinfo=None),
        }
        try:
            with self.db.write() as conn:
                new_id = conn.execute(t.officers.insert().values(**values)).inserted_primary_key[0]
        except IntegrityError:
            raise AccountError(f"username {username!r} already exists") from None
        return self.get(new_id)

    def get(self, officer_id: int) -> Officer | None:
        with self.db.read() as conn:
            row = conn.execute(select(t.officers).where(t.officers.c.id == officer_id)).one_or_none()
        return _officer(row) if row else None

    def by_username(self, username: str) -> Officer | None:
        with self.db.read() as conn:
            row = conn.execute(
                select(t.officers).where(t.officers.c.username == username)).one_or_none()
        return _officer(row) if row else None

    def get_with_hash(self, officer_id: int) -> tuple[Officer, str] | None:
        """The officer and the stored password hash, in one query (for each API request)."""
        with self.db.read_single() as conn:
            row = _BY_ID.run(conn, {"b_id": officer_id}).one_or_none()
        return (_officer(row), row.password_hash) if row else None

    def password_hash(self, officer_id: int) -> str:
        """The stored hash (tokens and sessions carry its tail, so a new password ends them)."""
        with self.db.read() as conn:
            return conn.execute(select(t.officers.c.password_hash)
                                .where(t.officers.c.id == officer_id)).scalar_one_or_none() or ""

    def list(self) -> list[Officer]:
        with self.db.read() as conn:
            rows = conn.execute(select(t.officers).order_by(t.officers.c.username)).all()
        return [_officer(r) for r in rows]

    def set_password(self, username: str, password: str) -> None:
        _check_password(password)
        self._update(username, password_hash=_hasher().hash(password))

    def set_active(self, username: str, active: bool) -> None:
        self._update(username, active=active)

    def set_counters(self, username: str, counters: tuple[str, ...]) -> None:
        self._update(username, counters=self._check_counters(counters))

    def _update(self, username: str, **values: object) -> None:
        with self.db.write() as conn:
            n = conn.execute(update(t.officers).where(t.officers.c.username == username)
                             .values(**values)).rowcount
        if n != 1:
            raise AccountError(f"no officer named {username!r}")

    def authenticate(self, username: str, password: str) -> Officer | None:
        """The active officer with this username and password, else None."""
        with self.db.read() as conn:
            row = conn.execute(
                select(t.officers).where(t.officers.c.username == username)).one_or_none()
        if row is None:
            _hasher().hash(password)  # spend the same time as a real check
            return None
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            _hasher().verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if not row.active:
            return None
        if _hasher().check_needs_rehash(row.password_hash):
            self._update(username, password_hash=_hasher().hash(password))
        return _officer(row)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must have at least {MIN_PASSWORD} characters")
