"""The public booking page over HTTP, without JavaScript (plain forms): choose a field, a day and
a slot, book, see the code and its QR code, look the booking up and cancel it with its link;
bad input and the rate limit answered in Vietnamese (English with ?lang=en)."""

from __future__ import annotations

import re

import pytest

from tests.clients import CSRF_FIELD

pytestmark = pytest.mark.slow

TOMORROW = "2026-11-26"  # the test clock: Wednesday 2026-11-25, 09:00 in Viet Nam


@pytest.fixture(autouse=True)
def on_a_wednesday_morning(app_server, clock) -> None:
    app_server.app.extensions["motcua"].engine.clock = clock


def form(page: str) -> dict:
    """The booking form's hidden fields."""
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page))


def book(b, day: str = TOMORROW, slot: str = "09:00", phone: str = "0987 654 321",
         field: str = "ho-tich", name: str = "Phạm Thị Mai"):
    page = b.get(f"/dat-lich?field={field}&day={day}").text
    data = {**form(page), "field": field, "day": day, "slot": slot, "name": name, "phone": phone}
    return b.post("/dat-lich", data=data, allow_redirects=False)


def test_choosing_a_field_and_a_day_shows_its_free_slots(web) -> None:
    b = web()
    page = b.get("/dat-lich")
    assert page.status_code == 200 and '<html lang="vi">' in page.text
    assert "Đặt lịch hẹn" in page.text and "Tư pháp - Hộ tịch" in page.text
    assert "Đất đai" not in page.text  # takes no appointments
    page = b.get("/dat-lich?field=chung-thuc").text  # no day chosen: the first with free places
    assert 'value="2026-11-25" selected' in page and "Thứ Tư, 25/11/2026" in page
    assert 'value="09:15"' in page and 'value="08:45"' not in page  # begun slots are not offered
    assert "11:00" not in page.split('id="book"')[1].split("</fieldset>")[0].replace("10:45–11:00", "")
    page = b.get("/dat-lich?field=chung-thuc&day=2026-11-29").text  # a Sunday: closed
    assert re.search(r'value="2026-11-29"[^>]*disabled', page)
    assert "Chủ Nhật, 29/11/2026 — không làm việc" in page


def test_book_then_see_the_code_its_qr_and_cancel_with_the_link(web) -> None:
    b = web()
    r = book(b)
    assert r.status_code == 303, r.text
    link = r.headers["Location"]
    assert "/dat-lich/xem/" in link and "new=1" in link
    page = b.get(link).text
    code = re.search(r'id="code">(\d{6})<', page).group(1)
    assert "Đã đặt lịch hẹn." in page and "Thứ Năm, 26/11/2026" in page and "09:00–09:30" in page
    assert 'src="data:image/png;base64,' in page and "098****321" in page
    secret = link.split("/dat-lich/xem/")[1].split("?")[0]
    assert f"/dat-lich/xem/{secret}</a>" in page  # the link to keep
    api_slots = b.get("/api/v1/appointments/slots?service_id=ho-tich&days=1").json()
    assert api_slots["days"][1]["slots"][18]["free"] == 2

    other = web()  # the link works from any browser; the look-up form takes the code or the link
    r = other.post("/dat-lich/tra-cuu", data={"secret": "http://x/dat-lich/xem/" + secret},
                   allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/dat-lich/xem/{secret}")
    page = other.get(f"/dat-lich/xem/{secret}").text
    token = CSRF_FIELD.search(page).group(1)
    r = other.post("/dat-lich/huy", data={"csrf_token": token, "secret": secret},
                   allow_redirects=False)
    assert r.status_code == 303
    page = other.get(r.headers["Location"]).text
    assert "Đã hủy lịch hẹn." in page and 'id="cancel"' not in page and code in page
    api_slots = b.get("/api/v1/appointments/slots?service_id=ho-tich&days=1").json()
    assert api_slots["days"][1]["slots"][18]["free"] == 3


def test_sending_the_form_twice_books_once(web) -> None:
    b = web()
    page = b.get(f"/dat-lich?field=ho-tich&day={TOMORROW}").text
    data = {**form(page), "slot": "10:00", "name": "Lê Văn Nam", "phone": "0912345678"}
    assert b.post("/dat-lich", data=data, allow_redirects=False).status_code == 303
    again = b.post("/dat-lich", data=data, allow_redirects=False)
    assert again.status_code == 200 and "Lịch hẹn này đã được đặt." in again.text
    assert 'id="cancel"' not in again.text


@pytest.mark.parametrize(("kw", "status", "message"), [
    ({"day": "2026-11-20"}, 409, "Không thể đặt lịch cho ngày đã qua."),
    ({"day": "2026-11-25", "slot": "08:00"}, 409, "Khung giờ 08:00 đã qua. Xin chọn khung giờ khác."),
    ({"day": "2026-11-29", "field": "chung-thuc", "slot": "08:00"}, 409,
     "Ngày 2026-11-29 không làm việc. Xin chọn ngày khác."),
    ({"phone": "12345"}, 400, "Số điện thoại không hợp lệ: cần 10 chữ số, bắt đầu bằng số 0."),
    ({"name": "A"}, 400, "Xin nhập họ và tên (từ 2 đến 100 ký tự)."),
])
def test_bad_input_gets_a_vietnamese_message_and_keeps_the_form(web, kw, status, message) -> None:
    r = book(web(), **kw)
    assert r.status_code == status and f'id="error">{message}<' in r.text
    assert 'value="Phạm Thị Mai"' in r.text or kw.get("name") == "A"


def test_a_full_slot_and_the_limit_per_address(web, app_server) -> None:
    for i in range(3):
        assert book(web(), slot="11:00", phone=f"090000000{i}").status_code == 303
    r = book(web(), slot="11:00", phone="0900000009")
    assert r.status_code == 409
    assert "Khung giờ 11:00 ngày 2026-11-26 đã kín chỗ. Xin chọn khung giờ khác." in r.text
    page = web().get(f"/dat-lich?field=ho-tich&day={TOMORROW}").text
    assert re.search(r'value="11:00" disabled', page) and "hết chỗ" in page
    limit = app_server.app.extensions["motcua"].config.appointments.bookings_per_address_per_hour
    for i in range(limit - 4):
        book(web(), slot="12:00", phone=f"09100000{i:02d}")
    r = book(web(), slot="13:00", phone="0920000000")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "Đã đặt quá nhiều lịch hẹn từ thiết bị này. Xin thử lại sau" in r.text


def test_a_stale_form_and_a_wrong_link(web) -> None:
    b = web()
    data = {**form(b.get(f"/dat-lich?field=ho-tich&day={TOMORROW}").text), "csrf_token": "old",
            "slot": "09:00", "name": "Phạm Thị Mai", "phone": "0987654321"}
    r = b.post("/dat-lich", data=data)
    assert r.status_code == 400 and "Biểu mẫu đã cũ" in r.text
    r = b.get("/dat-lich/xem/not-a-secret")
    assert r.status_code == 404 and "Không tìm thấy lịch hẹn." in r.text
    r = b.post("/dat-lich/tra-cuu", data={"secret": "x" * 300})
    assert r.status_code == 404


def test_the_booking_page_in_english(web) -> None:
    b = web()
    page = b.get("/dat-lich?field=ho-tich&lang=en").text
    assert '<html lang="en">' in page and "Book an appointment" in page
    assert "Justice - Civil status" in page and "Wednesday, 25/11/2026" in page
    r = book(b, phone="12")
    assert "The phone number is not valid" in r.text
