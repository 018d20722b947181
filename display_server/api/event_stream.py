"""The response of ``GET /api/v1/events``: a streamed generator (``sse_stream``) that holds a
place in the stream admission while it is open; refused clients get 429 (their address has too
many anonymous streams) or 503 (the process is full), both with ``Retry-After``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

from flask import Response

from motcua.core.i18n import DEFAULT, N_, words

from ..events import sse_stream
from ..events.admission import Refusal, StreamAdmission

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
REASONS = {429: "429 Too Many Requests", 503: "503 Service Unavailable"}
MESSAGES = {
    "too_many_streams": N_("Máy chủ đang phục vụ tối đa số màn hình. Màn hình sẽ tự kết nối lại."),
    "too_many_streams_from_address": N_("Thiết bị này đang mở quá nhiều kết nối. "
                                        "Trang sẽ tự kết nối lại."),
}
"""A refusal's message by its code: ``N_`` msgids, read through the ``vi`` catalogue when sent."""


def refusal_body(refusal: Refusal) -> bytes:
    message = words(DEFAULT).gettext(MESSAGES[refusal.code])
    return json.dumps({"error": {"code": refusal.code, "message": message}},
                      ensure_ascii=False).encode("utf-8")


class _ReleasedOnClose:
    """A streamed WSGI body that gives its place back when the server closes it (which WSGI
    servers do, even for a body they never started to send)."""

    def __init__(self, body: Iterable[bytes], release: Callable[[], None]):
        self.body = body
        self.release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            release, self.release = self.release, None
            if release is not None:
                release()


class EventStreamResponse(Response):
    """Serves one event stream; ``stream_args`` are ``sse_stream``'s keyword arguments
    (snapshot, events_after, last_event_id, keepalive_s). ``anonymous`` streams count against
    their address's cap."""

    def __init__(self, bus, stream_args: dict, admission: StreamAdmission, *, anonymous: bool):
        super().__init__(mimetype="text/event-stream", headers=HEADERS)
        self.bus = bus
        self.stream_args = stream_args
        self.admission = admission
        self.anonymous = anonymous

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        address = environ.get("REMOTE_ADDR") or ""
        refusal = self.admission.admit(address, anonymous=self.anonymous)
        if refusal is not None:
            body = refusal_body(refusal)
            start_response(REASONS[refusal.status], [
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(body))), ("Retry-After", str(refusal.retry_after_s)),
                ("Cache-Control", "no-cache")])
            return [body]

        def release() -> None:
            self.admission.release(address, anonymous=self.anonymous)

        try:
            _, status, headers = self.get_wsgi_response(environ)
            # an open-ended stream: no Content-Length (werkzeug counts the empty body as 0)
            start_response(status, [(k, v) for k, v in headers if k.lower() != "content-length"])
            # no request context per message: the stream's callables need none
            body = sse_stream(self.bus, **self.stream_args)
        except BaseException:
            release()
            raise
        return _ReleasedOnClose(body, release)
