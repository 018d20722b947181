"""Background delivery of the outbox to the server: in press order, with capped exponential back-off.

Delivery is at-least-once (a press whose answer was lost is sent again) and the server counts each
``rating_id`` once, so nothing is lost and nothing is counted twice. Refusals that can never succeed
(a bad level, a counter this device may not rate) go to the dead letter; an unreachable server, a 5xx,
or a station-wide auth problem (401, or 403 for the wrong kind of device) are retried.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol

from kiosk.client import CLOCK_SKEW_WARNING_S, ServerError, ServerRefused, clock_skew_s

from .outbox import Outbox, OutboxItem

log = logging.getLogger(__name__)

RETRIED_STATUSES = frozenset({401, 408, 425, 429})
"""4xx answers that may succeed later (auth fixed, server less busy)."""


class RatingClient(Protocol):
    """What the sender needs of :class:`kiosk.client.ServerClient`."""

    def rate(self, rating_id: str, counter_id: str, level: str, pressed_at: datetime) -> dict: ...

    def heartbeat(self, **info: object) -> dict | None: ...


@dataclass(frozen=True)
class Backoff:
    """Wait ``initial_s``, then twice as long after each failure in a row, never more than ``cap_s``."""

    initial_s: float = 1.0
    factor: float = 2.0
    cap_s: float = 30.0

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` (>= 1) failed attempts in a row."""
        if failures < 1:
            return 0.0
        return min(self.cap_s, self.initial_s * self.factor ** min(failures - 1, 64))


DEFAULT_BACKOFF = Backoff()
"""1, 2, 4, 8, 16, 30, 30... seconds."""


def is_permanent(exc: ServerRefused) -> bool:
    """Whether a refusal will never succeed for this rating (so retrying is pointless)."""
    if exc.status >= 500 or exc.status in RETRIED_STATUSES:
        return False
    if exc.status == 403:
        return exc.code == "counter_not_allowed"  # plain 403: this token is not a rating station
    return 400 <= exc.status < 500


def _version() -> str:
    try:
        return version("motcua")
    except PackageNotFoundError:
        return "0.0.0"


class Sender:
    """Sends pending outbox rows, sends a heartbeat every ``heartbeat_s`` and prunes old sent rows.

    :meth:`step` does one round and says how long to sleep; :meth:`start` runs it on a thread,
    woken early by :meth:`wake` (a new press) unless it is backing off.
    """

    def __init__(self, outbox: Outbox, client: RatingClient, *, backoff: Backoff = DEFAULT_BACKOFF,
                 heartbeat_s: float = 30.0, keep_sent: timedelta = timedelta(days=7),
                 prune_every_s: float = 3600.0, batch: int = 50,
                 clock: Callable[[], float] = time.monotonic):
        self.outbox = outbox
        self.client = client
        self.backoff = backoff
        self.heartbeat_s = heartbeat_s
        self.keep_sent = keep_sent
        self.prune_every_s = prune_every_s
        self.batch = batch
        self.clock = clock
        self.failures = 0
        now = clock()
        self._next_attempt = now
        self._next_heartbeat = now
        self._next_prune = now
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # -- one round ---------------------------------------------------------------------------
    def step(self) -> float:
        """Deliver (unless backing off), heartbeat and prune when due; seconds until next due."""
        now = self.clock()
        if now >= self._next_attempt:
            if self.deliver():
                self.failures = 0
                self._next_attempt = now
            else:
                self.failures += 1
                wait = self.backoff.delay(self.failures)
                self._next_attempt = self.clock() + wait
                log.info("server not reachable; %d ratings waiting, next try in %.0f s",
                         self.outbox.backlog(), wait)
        if now >= self._next_heartbeat:
            self._next_heartbeat = now + self.heartbeat_s
            self.heartbeat()
        if now >= self._next_prune:
            self._next_prune = now + self.prune_every_s
            pruned = self.outbox.prune(self.keep_sent)
            if pruned:
                log.info("pruned %d delivered ratings older than %s", pruned, self.keep_sent)
        due = [self._next_heartbeat, self._next_prune]
        if self.failures:
            due.append(self._next_attempt)
        return max(0.0, min(due) - self.clock())

    def deliver(self) -> bool:
        """Send pending rows in order; False when a retryable failure stopped the round."""
        while not self._stop.is_set():
            items = self.outbox.pending(self.batch)
            if not items:
                return True
            for item in items:
                if self._stop.is_set():
                    return True
                if not self._send(item):
                    return False
        return True

    def _send(self, item: OutboxItem) -> bool:
        try:
            self.client.rate(item.rating_id, item.counter_id, item.level, item.pressed_at)
        except ServerRefused as exc:
            reason = f"{exc.status} {exc.code}: {exc.message}"
            if is_permanent(exc):
                log.error("server refused rating %s (%s, %s) for good: %s; kept as dead letter",
                          item.rating_id, item.counter_id, item.level, reason)
                self.outbox.mark_dead(item.rating_id, reason)
                return True
            log.warning("server refused rating %s for now: %s", item.rating_id, reason)
            self.outbox.note_failure(item.rating_id, reason)
            return False
        except ServerError as exc:
            self.outbox.note_failure(item.rating_id, f"unreachable: {exc}")
            return False
        except Exception as exc:  # noqa: BLE001 - keep the thread alive; the row stays pending
            log.exception("sending rating %s failed", item.rating_id)
            self.outbox.note_failure(item.rating_id, f"{type(exc).__name__}: {exc}")
            return False
        self.outbox.mark_sent(item.rating_id)
        return True

    def heartbeat(self) -> None:
        """Tell the server we are alive and how many presses wait (errors are only logged)."""
        counts = self.outbox.counts()
        detail = f"{counts['dead']} ratings refused by the server" if counts["dead"] else None
        try:
            answer = self.client.heartbeat(outbox_backlog=counts["pending"], version=_version(),
                                           detail=detail)
            skew = clock_skew_s(answer or {}, datetime.now(UTC))
            if skew is not None and abs(skew) > CLOCK_SKEW_WARNING_S:
                # Ratings go to the ticket served at the press time: a wrong clock misattributes.
                log.warning("this station's clock is %+.0f s off the server's: set the time "
                            "(e.g. an NTP server on the LAN)", skew)
        except ServerError as exc:
            log.debug("heartbeat failed: %s", exc)
        except Exception:  # noqa: BLE001
            log.exception("heartbeat failed")

    # -- thread ------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="rating-sender", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A new press is waiting: send now (unless backing off after a failure)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                delay = self.step()
            except Exception:  # noqa: BLE001 - e.g. the outbox file vanished; try again later
                log.exception("rating sender round failed")
                delay = self.backoff.cap_s
            self._wake.wait(delay)

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the request in flight (if any) and stop the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("rating sender did not stop within %.0f s", timeout)
            self._thread = None
