"""HTTP client for devices (kiosk, rating station) talking to the display server's API v1."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import requests

log = logging.getLogger(__name__)


class ServerError(Exception):
    """The server could not be used; ``message`` is Vietnamese, for the screen."""

    message = "Không kết nối được máy chủ."


class ServerUnreachable(ServerError):
    """No answer: network down, server stopped, or a timeout (the request may have arrived)."""

    message = "Không kết nối được máy chủ. Vui lòng báo cán bộ hoặc thử lại sau ít phút."


class ServerRefused(ServerError):
    """The server answered with an error: ``code`` from the API (e.g. ``closed``)."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        super().__init__(f"{status} {code}: {message}")


@dataclass(frozen=True)
class IssuedTicket:
    """What the server answered to ``POST /tickets`` (the raw JSON is kept in ``data``)."""

    data: dict
    created: bool

    @property
    def number(self) -> str:
        return self.data["number"]


class ServerClient:
    """One device's connection to the server: ``Authorization: Bearer <device token>``."""

    def __init__(self, base_url: str, token: str, *, timeout_s: float = 5.0,
                 session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.http = session or requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}",
                                  "User-Agent": "motcua-device"})

    def _call(self, method: str, path: str, *, json: dict | None = None,
              timeout_s: float | None = None) -> requests.Response:
        url = f"{self.base_url}/api/v1{path}"
        try:
            r = self.http.request(method, url, json=json, timeout=timeout_s or self.timeout_s)
        except requests.RequestException as exc:
            log.warning("%s %s failed: %s", method, path, exc)
            raise ServerUnreachable(str(exc)) from exc
        if r.status_code >= 400:
            try:
                err = r.json()["error"]
                raise ServerRefused(r.status_code, err.get("code", "error"),
                                    err.get("message", "Lỗi máy chủ."),
                                    {k: v for k, v in err.items() if k not in ("code", "message")})
            except (ValueError, KeyError, TypeError):
                if r.status_code >= 500:
                    raise ServerUnreachable(f"HTTP {r.status_code}") from None
                raise ServerRefused(r.status_code, "error", "Lỗi máy chủ.") from None
        return r

    def health(self) -> dict:
        return self._call("GET", "/health", timeout_s=2.0).json()

    def fields(self) -> list[dict]:
        """Fields with ``open``, ``waiting`` and ``estimated_wait_s`` (the API's ``/services``)."""
        return self._call("GET", "/services").json()

    def issue(self, field_id: str, *, request_id: str, priority: bool = False) -> IssuedTicket:
        """Ask for a ticket; safe to repeat with the same ``request_id`` after a timeout. The
        answer is the API's ticket, which calls its field ``service_id``."""
        r = self._call("POST", "/tickets", json={"service_id": field_id, "priority": priority,
                                                  "request_id": request_id})
        return IssuedTicket(r.json(), created=r.status_code == 201)

    def check_in(self, code: str) -> IssuedTicket:
        """Check in a booking by its code (``POST /appointments/check-in``); safe to repeat: the
        same code answers the same ticket. The answer's ``ticket`` is kept."""
        r = self._call("POST", "/appointments/check-in", json={"code": code[:20]})
        return IssuedTicket(r.json()["ticket"], created=r.status_code == 201)

    def rate(self, rating_id: str, counter_id: str, level: str, pressed_at: datetime) -> dict:
        """Send one press; the same ``rating_id`` again is counted once by the server."""
        if pressed_at.tzinfo is None:
            raise ValueError("pressed_at must carry its UTC offset")
        return self._call("POST", "/ratings", json={
            "rating_id": rating_id, "counter_id": counter_id, "level": level,
            "pressed_at": pressed_at.isoformat()}).json()

    def heartbeat(self, **info: object) -> dict:
        """Tell the server this device is alive (printer status, outbox backlog, version); the
        answer carries the server's clock (``server_time``)."""
        r = self._call("POST", "/devices/heartbeat", json={k: v for k, v in info.items()
                                                           if v is not None}, timeout_s=3.0)
        try:
            return r.json()
        except ValueError:
            return {}


CLOCK_SKEW_WARNING_S = 120


def clock_skew_s(answer: dict, now: datetime) -> float | None:
    """How far this device's clock is ahead of the server's (from a heartbeat answer)."""
    try:
        server = datetime.fromisoformat(answer["server_time"])
    except (KeyError, TypeError, ValueError):
        return None
    if server.tzinfo is None:
        return None
    return (now - server).total_seconds()
