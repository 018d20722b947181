"""Password guessing, slowed per address and account (page and API logins share one), counted
in the database: every server process counts the same failures, and a restart keeps them."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from motcua.core.storage import Database
from motcua.core.storage.attempts import StoredAttempts
from motcua.core.storage.database import error_reason

log = logging.getLogger(__name__)


class LoginThrottle:
    """Slows password guessing without letting a stranger lock anyone out.

    Per address and account: ``max_failures`` wrong passwords within ``window_s`` refuse that
    account from that address until the window has passed (the right person on another machine
    still logs in). Per address, whatever the accounts: past ``address_free`` failures within the
    window, each further try waits twice as long after the last failure as the one before (1 s,
    2 s, 4 s... up to ``max_backoff_s``), so one machine cannot try many accounts quickly either.
    ``clock`` gives naive UTC times; ``salt`` (the server's secret) keys the hashes kept of the
    addresses and names.
    """

    def __init__(self, db: Database, clock: Callable[[], datetime], *, salt: str = "",
                 max_failures: int = 5, window_s: float = 600.0, address_free: int = 10,
                 max_backoff_s: float = 900.0):
        self.max_failures = max_failures
        self.window_s = window_s
        self.address_free = address_free
        self.max_backoff_s = max_backoff_s
        self.clock = clock
        self._pairs = StoredAttempts(db, "loginpair", window_s, clock, salt=salt)
        self._addresses = StoredAttempts(db, "loginaddress", window_s, clock, salt=salt)

    @staticmethod
    def _pair(address: str, username: str) -> str:
        return f"{address}\0{username.lower()}"

    def retry_after(self, address: str, username: str) -> int:
        """Seconds until this account may be tried from this address again (0 = now)."""
        pair = self._pairs.recent(self._pair(address, username))
        tried = self._addresses.recent(address)
        now = self.clock()
        waits = []
        if pair.count >= self.max_failures and pair.oldest is not None:
            waits.append(self.window_s - (now - pair.oldest).total_seconds())
        extra = tried.count - self.address_free
        if extra > 0 and tried.newest is not None:
            waits.append(min(2.0 ** (extra - 1), self.max_backoff_s)
                         - (now - tried.newest).total_seconds())
        wait = max(waits, default=0.0)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, address: str, username: str) -> None:
        """Count a wrong password. A full disk or a database down leaves it uncounted (logged):
        the login's answer is still "wrong credentials"."""
        try:
            self._pairs.add(self._pair(address, username))
            self._addresses.add(address)
        except SQLAlchemyError as exc:
            log.warning("a failed login was not counted by the login throttle: %s", error_reason(exc))

    def succeeded(self, address: str, username: str) -> None:
        """The account logged in from this address: its failures there are forgotten (if the
        database can be written; else they expire with the window)."""
        pair = self._pair(address, username)
        try:
            if self._pairs.recent(pair).count:
                self._pairs.clear(pair)
        except SQLAlchemyError as exc:
            log.warning("a login's earlier failures were not forgotten: %s", error_reason(exc))
