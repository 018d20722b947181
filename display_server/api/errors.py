"""API errors: ``{"error": {"code", "message"}}`` with a Vietnamese message and a 4xx status."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ..queue import QueueError

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    401: ("unauthorized", "Cần đăng nhập hoặc mã thiết bị hợp lệ."),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ."),
    413: ("too_large", "Dữ liệu gửi lên quá lớn."),
    415: ("unsupported_media_type", "Dữ liệu phải ở dạng JSON."),
    429: ("too_many_requests", "Quá nhiều yêu cầu. Vui lòng thử lại sau."),
    500: ("internal_error", "Lỗi hệ thống. Vui lòng báo cán bộ kỹ thuật."),
    503: ("unavailable", "Hệ thống tạm thời không sẵn sàng. Vui lòng thử lại sau."),
}

QUEUE_STATUS = {
    "unknown_counter": 404,
    "unknown_ticket": 404,
    "unknown_field": 400,
    "unknown_level": 400,
}


class ApiError(Exception):
    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 **details: object):
        default_code, default_message = HTTP_MESSAGES.get(status, ("error", "Lỗi."))
        self.status = status
        self.code = code or default_code
        self.message = message or default_message
        self.details = details
        super().__init__(self.code)


def error_response(status: int, code: str, message: str, **details: object):
    body = {"error": {"code": code, "message": message, **details}}
    return jsonify(body), status


def install(app: Flask) -> None:
    """JSON errors for /api/ paths; the pages keep Flask's own error pages."""

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
        return error_response(status, exc.code, exc.message, **exc.details)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        if is_api():
            return error_response(400, "csrf_failed",
                                  "Phiên làm việc đã hết hạn. Vui lòng tải lại trang.")
        return exc

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if not is_api():
            return exc
        code, message = HTTP_MESSAGES.get(exc.code or 500, ("error", exc.description or "Lỗi."))
        response, status = error_response(exc.code or 500, code, message)
        for name in ("Allow", "Retry-After", "WWW-Authenticate"):  # what the answer relies on
            value = exc.get_response().headers.get(name)
            if value:
                response.headers[name] = value
        return response, status

    @app.errorhandler(OperationalError)
    def _database_unavailable(exc: OperationalError):
        # the database is down, restarting or unreachable: the change was not made (or, if the
        # connection broke at commit, the audit log tells); the client tries again
        log.error("database unavailable on %s %s: %s", request.method, request.path,
                  str(exc.orig or exc).strip().splitlines()[0])
        if is_api():
            code, message = HTTP_MESSAGES[503]
            return error_response(503, code, message)
        return HTTP_MESSAGES[503][1], 503

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if is_api():
            code, message = HTTP_MESSAGES[500]
            return error_response(500, code, message)
        return "Internal Server Error", 500
