"""API errors: ``{"error": {"code", "message"}}`` with a Vietnamese message and a 4xx status.

The messages are the API contract's Vietnamese, read through the ``vi`` catalogue (a centre's
corrected wording applies): msgids marked with ``N_`` here, ``words(DEFAULT)`` at the call sites."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, jsonify, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from motcua.core.i18n import DEFAULT, N_, words
from motcua.core.queue import QueueError
from motcua.core.storage.database import error_reason

from ..disk import RETRY_AFTER_S

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: ("bad_request", N_("Yêu cầu không hợp lệ.")),
    401: ("unauthorized", N_("Cần đăng nhập hoặc mã thiết bị hợp lệ.")),
    403: ("forbidden", N_("Bạn không có quyền thực hiện thao tác này.")),
    404: ("not_found", N_("Không tìm thấy.")),
    405: ("method_not_allowed", N_("Phương thức không được hỗ trợ.")),
    413: ("too_large", N_("Dữ liệu gửi lên quá lớn.")),
    415: ("unsupported_media_type", N_("Dữ liệu phải ở dạng JSON.")),
    429: ("too_many_requests", N_("Quá nhiều yêu cầu. Vui lòng thử lại sau.")),
    500: ("internal_error", N_("Lỗi hệ thống. Vui lòng báo cán bộ kỹ thuật.")),
    503: ("unavailable", N_("Hệ thống tạm thời không sẵn sàng. Vui lòng thử lại sau.")),
}
DISK_FULL = ("disk_full",
             N_("Máy chủ hết chỗ trống trên ổ đĩa: chưa ghi được. Vui lòng báo cán bộ kỹ thuật."))
"""A write refused for want of space (503 with Retry-After): nothing of it was stored."""

V1_NAMES = {"field_id": "service_id"}
"""The v1 API's names of the details the engine gives with a refusal (the code says field)."""

QUEUE_STATUS = {
    "unknown_counter": 404,
    "unknown_ticket": 404,
    "unknown_field": 400,
    "unknown_level": 400,
    "unknown_appointment": 404,
    "wrong_code": 404,
    "not_bookable": 400,
    "bad_day": 400,
    "bad_slot": 400,
    "bad_name": 400,
    "bad_phone": 400,
    "too_many_bookings": 429,
    "too_many_codes": 429,
    "remote_off": 403,
    "outside_network": 403,
    "remote_phone_limit": 429,
    "remote_address_limit": 429,
}


FALLBACK = ("error", N_("Lỗi."))
"""The code and message of a status without its own."""


def http_message(status: int, fallback: tuple[str, str] = FALLBACK) -> tuple[str, str]:
    """The code and Vietnamese message of an HTTP ``status`` (``fallback``'s without one)."""
    code, message = HTTP_MESSAGES.get(status, fallback)
    return code, words(DEFAULT).gettext(message)


class DiskFull(Exception):
    """A write failed for want of space (raised from the error that said so): 503 disk_full."""


class ApiError(Exception):
    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 **details: object):
        default_code, default_message = http_message(status)
        self.status = status
        self.code = code or default_code
        self.message = message or default_message
        self.details = details
        super().__init__(self.code)


def error_response(status: int, code: str, message: str, **details: object):
    body = {"error": {"code": code, "message": message, **details}}
    return jsonify(body), status


def install(app: Flask, page_error: Callable[[HTTPException], object] | None = None) -> None:
    """JSON errors for /api/ paths; the pages' HTTP errors go to ``page_error`` (Flask's own
    pages without it)."""

    def is_api() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        response, status = error_response(exc.status, exc.code, exc.message, **exc.details)
        if "retry_after_s" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after_s"])
        return response, status

    @app.errorhandler(QueueError)
    def _queue_error(exc: QueueError):
        status = QUEUE_STATUS.get(exc.code, 409)
        details = {V1_NAMES.get(k, k): v for k, v in exc.details.items()}
        response, status = error_response(status, exc.code, exc.message, **details)
        if "retry_after_s" in details:
            response.headers["Retry-After"] = str(details["retry_after_s"])
        return response, status

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        if is_api():
            return error_response(400, "csrf_failed", words(DEFAULT).gettext(
                "Phiên làm việc đã hết hạn. Vui lòng tải lại trang."))
        return page_error(exc) if page_error else exc

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if not is_api():
            return page_error(exc) if page_error else exc
        code, message = http_message(exc.code or 500, ("error", exc.description or FALLBACK[1]))
        response, status = error_response(exc.code or 500, code, message)
        for name in ("Allow", "Retry-After", "WWW-Authenticate"):  # what the answer relies on
            value = exc.get_response().headers.get(name)
            if value:
                response.headers[name] = value
        return response, status

    def disk_full():
        # The transaction was rolled back (or the file not written): nothing half done. The
        # client tries again later; the next write works as soon as there is room.
        current_app.extensions["motcua"].disk.refused(f"{request.method} {request.path}")
        code, message = DISK_FULL[0], words(DEFAULT).gettext(DISK_FULL[1])
        if is_api():
            response, status = error_response(503, code, message, retry_after_s=RETRY_AFTER_S)
        else:
            response, status = current_app.make_response(message), 503
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response, status

    def no_room(exc: Exception) -> bool:
        return current_app.extensions["motcua"].disk.is_full_error(exc)

    @app.after_request
    def _written(response):
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            current_app.extensions["motcua"].disk.wrote()
        return response

    @app.errorhandler(OperationalError)
    def _database_unavailable(exc: OperationalError):
        if no_room(exc):
            return disk_full()
        # the database is down, restarting or unreachable: the change was not made (or, if the
        # connection broke at commit, the audit log tells); the client tries again
        log.error("database unavailable on %s %s: %s", request.method, request.path,
                  error_reason(exc))
        code, message = http_message(503)
        if is_api():
            return error_response(503, code, message)
        return message, 503

    @app.errorhandler(DiskFull)
    def _disk_full(_exc: DiskFull):
        return disk_full()

    @app.errorhandler(OSError)
    def _os_error(exc: OSError):
        if no_room(exc):  # a file of the data folder (voice cache, ...) could not be written
            return disk_full()
        return _unexpected(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if is_api():
            return error_response(500, *http_message(500))
        return "Internal Server Error", 500
