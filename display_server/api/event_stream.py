"""The response of ``GET /api/v1/events``: under waitress the event bus writes to the client's
connection itself (``serve_direct``); under any other WSGI server, a streamed generator."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from flask import Response, stream_with_context

from motcua.core.i18n import DEFAULT, words

from ..events import sse_stream
from ..events.slots import StreamSlots
from ..events.sse import serve_direct

MAX_BACKLOG_BYTES = 512 * 1024
"""A screen with this much unsent (a stalled connection) is dropped; it reconnects and resumes.
Below the server's ``OUTBUF_HIGH_WATERMARK``, where a write would wait for the screen."""

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
RETRY_AFTER_S = 5
"""What a screen turned away (every stream slot taken) is told to wait before it tries again."""
FULL_BODY = json.dumps({"error": {
    "code": "too_many_streams",
    "message": words(DEFAULT).gettext(
        "Máy chủ đang phục vụ tối đa số màn hình. Màn hình sẽ tự kết nối lại.")}},
    ensure_ascii=False).encode("utf-8")


def _waitress_channel(write: Callable) -> object | None:
    """The waitress channel behind a WSGI ``write`` callable (its task's), or None elsewhere."""
    channel = getattr(getattr(write, "__self__", None), "channel", None)
    return channel if hasattr(channel, "total_outbufs_len") else None


class SocketFirstWriter:
    """A thread-safe ``write`` for one waitress response that sends straight to the socket when
    waitress holds nothing unsent for it, and queues only what the socket did not take. The
    same bytes as waitress's own ``write`` (chunk framing included), without its buffers' work
    for every screen and every event."""

    def __init__(self, write: Callable[[bytes], object]):
        self.write = write
        self.task = write.__self__  # type: ignore[attr-defined]
        self.channel = self.task.channel

    def __call__(self, data: bytes) -> None:
        task, channel = self.task, self.channel
        if not data or not task.wrote_header or not channel.connected:
            self.write(data)  # the headers first, and waitress's own handling of the rest
            return
        framed = b"%X\r\n%s\r\n" % (len(data), data) if task.chunked_response else data
        with channel.outbuf_lock:
            if channel.total_outbufs_len == 0:
                try:
                    sent = channel.socket.send(framed)
                except BlockingIOError:
                    sent = 0
                channel.last_activity = time.time()
                if sent == len(framed):
                    return
                framed = framed[sent:]
        channel.write_soon(framed)


class _ReleasedOnClose:
    """A streamed WSGI body that gives its stream slot back when the server closes it (which
    WSGI servers do, even for a body they never started to send)."""

    def __init__(self, body: Iterable[bytes], slots: StreamSlots):
        self.body = body
        self.slots: StreamSlots | None = slots

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            if self.slots is not None:
                self.slots.release()
                self.slots = None


class EventStreamResponse(Response):
    """Serves one event stream; ``stream_args`` are the keyword arguments that ``serve_direct`` and
    ``sse_stream`` share (snapshot, events_after, last_event_id, keepalive_s). While it is open it
    holds one of ``slots``; with none free the client gets 503 and ``Retry-After``."""

    def __init__(self, bus, stream_args: dict, slots: StreamSlots):
        super().__init__(mimetype="text/event-stream", headers=HEADERS)
        self.bus = bus
        self.stream_args = stream_args
        self.slots = slots

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self.slots.acquire():
            start_response("503 Service Unavailable", [
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(FULL_BODY))), ("Retry-After", str(RETRY_AFTER_S)),
                ("Cache-Control", "no-cache")])
            return [FULL_BODY]
        try:
            body = self._serve(environ, start_response)
        except BaseException:
            self.slots.release()
            raise
        if isinstance(body, list):  # served to the end already
            self.slots.release()
            return body
        return _ReleasedOnClose(body, self.slots)

    def _serve(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        _, status, headers = self.get_wsgi_response(environ)
        # an open-ended stream: no Content-Length (werkzeug counts the empty body as 0)
        write = start_response(status, [(k, v) for k, v in headers if k.lower() != "content-length"])
        channel = _waitress_channel(write)
        if channel is None:
            return stream_with_context(sse_stream(self.bus, **self.stream_args))
        gone = environ.get("waitress.client_disconnected") or (lambda: False)
        serve_direct(self.bus, SocketFirstWriter(write),
                     backlog=partial(getattr, channel, "total_outbufs_len"),
                     max_backlog=MAX_BACKLOG_BYTES, disconnected=gone, **self.stream_args)
        return []
