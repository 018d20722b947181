"""The API's Vietnamese messages, pinned: read through the ``vi`` catalogue (a centre may correct
them), they must stay exactly the API contract's wording."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from display_server.api.errors import http_message
from display_server.api.event_stream import refusal_body
from display_server.events.admission import FULL, PER_ADDRESS

HTTP = {
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
    418: ("error", "Lỗi."),
}


@pytest.mark.parametrize("status", HTTP)
def test_http_messages(status) -> None:
    assert http_message(status) == HTTP[status]


def test_too_many_streams() -> None:
    assert json.loads(refusal_body(FULL))["error"]["message"] == (
        "Máy chủ đang phục vụ tối đa số màn hình. Màn hình sẽ tự kết nối lại.")
    assert json.loads(refusal_body(PER_ADDRESS))["error"]["message"] == (
        "Thiết bị này đang mở quá nhiều kết nối. Trang sẽ tự kết nối lại.")


def _message(r) -> tuple[int, str, str]:
    err = r.json()["error"]
    return r.status_code, err["code"], err["message"]


def test_refusals(api) -> None:
    kiosk = {"Authorization": f"Bearer {api.tokens['kiosk']}", "Content-Type": "application/json"}
    url = api.server.api("/tickets")
    assert _message(api.http.post(url, data="not json", headers=kiosk, timeout=5)) == (
        400, "bad_json", "Dữ liệu gửi lên không phải JSON hợp lệ.")
    assert _message(api.http.post(url, data="[1, 2]", headers=kiosk, timeout=5)) == (
        400, "bad_json", "Dữ liệu gửi lên phải là một đối tượng JSON.")
    assert _message(api.http.post(url, data='{"service_id": 5}', headers=kiosk, timeout=5)) == (
        400, "invalid_body", "Dữ liệu không hợp lệ ở trường: service_id.")
    assert _message(api.post("/tickets", json={"service_id": "ho-tich"})) == (
        401, "unauthorized", "Cần đăng nhập hoặc mã thiết bị hợp lệ.")
    assert _message(api.act("quay-1", "call-next", as_="kiosk")) == (
        403, "officers_only", "Chỉ cán bộ đã đăng nhập mới làm được thao tác này.")
    assert _message(api.act("quay-3", "call-next", as_="an")) == (
        403, "counter_not_allowed", "Bạn không được phân công ở quầy này.")
    assert _message(api.act("quay-9", "call-next", as_="an")) == (
        404, "unknown_counter", "Quầy không tồn tại.")
    assert _message(api.get("/track/" + "x" * 41)) == (404, "unknown_ticket", "Không tìm thấy số thứ tự.")
    assert _message(api.get("/no-such-thing")) == (404, "not_found", "Không tìm thấy.")
    assert _message(api.rate("quay-3", "satisfied", as_="rating1")) == (
        403, "counter_not_allowed", "Thiết bị không gắn với quầy này.")
    assert _message(api.rate("quay-1", "satisfied", pressed_at=datetime.now(UTC) + timedelta(days=1),
                             rating_id=str(uuid.uuid4()))) == (
        400, "invalid_body", "Dữ liệu không hợp lệ ở trường: pressed_at (thời điểm bấm nút ở tương lai: "
                             "kiểm tra đồng hồ thiết bị).")
    r = api.get("/reports/waiting", as_="admin", params={"from": "2026-11-01", "to": "2026-11-30",
                                                         "format": "pdf"})
    assert _message(r) == (400, "bad_format", "Định dạng không hỗ trợ: 'pdf'. Chọn json, csv hoặc xlsx.")
