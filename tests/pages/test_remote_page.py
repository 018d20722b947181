"""The public remote-ticket page (/lay-so) over HTTP, without JavaScript (plain forms): pick a
field, get a ticket of the kiosk's series and land on its phone page; the phone's tickets of
the day listed again; refusals (the phone's limit with Retry-After, a field's remote cap, a
closed field, outside the centre's network, a stale form) in Vietnamese, English with
?lang=en."""

from __future__ import annotations

import re

import pytest

from tests.clients import CSRF_FIELD
from tests.conftest import DEMO_CONFIG

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def on_a_wednesday_morning(app_server, clock) -> None:
    app_server.app.extensions["motcua"].engine.clock = clock  # 2026-11-25 09:00 in Viet Nam


def hidden(page: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page))


def take(b, field: str = "ho-tich", lang: str = ""):
    page = b.get("/lay-so" + (f"?lang={lang}" if lang else "")).text
    return b.post("/lay-so", data={**hidden(page), "field": field}, allow_redirects=False)


def test_take_a_ticket_and_follow_it_on_the_phone(web, issue) -> None:
    assert issue("ho-tich")["number"] == "1001"
    b = web()
    page = b.get("/lay-so")
    assert page.status_code == 200 and '<html lang="vi">' in page.text
    assert "Lấy số thứ tự" in page.text and "Tư pháp - Hộ tịch" in page.text
    assert re.search(r'value="ho-tich">\s*<span class="field-name">Tư pháp - Hộ tịch</span>\s*'
                     r'<span class="field-facts">1 người đang chờ', page.text)
    assert "Mỗi điện thoại lấy được 2 số mỗi ngày." in page.text
    assert "<script>" not in page.text and 'src="/static/js/remote.js' in page.text
    r = take(b)
    assert r.status_code == 303 and re.fullmatch(r"/t/[\w-]+", r.headers["Location"])
    track = b.get(r.headers["Location"]).text
    assert ">1002<" in track and "Trước bạn còn 1 người" in track
    assert issue("ho-tich")["number"] == "1003"  # one number series
    mine = b.get("/lay-so").text  # the page lists the phone's ticket of the day
    assert re.search(r'id="mine".*href="/t/[\w-]+"><span class="mine-number">1002</span>',
                     mine, re.S)
    assert 'id="mine"' not in web().get("/lay-so").text  # another phone: none


def test_sending_the_form_twice_takes_one_ticket(web) -> None:
    b = web()
    data = {**hidden(b.get("/lay-so").text), "field": "dat-dai"}
    first = b.post("/lay-so", data=data, allow_redirects=False)
    again = b.post("/lay-so", data=data, allow_redirects=False)
    assert first.headers["Location"] == again.headers["Location"]


def test_the_phones_limit_is_explained_and_says_when_to_come_back(web) -> None:
    b = web()
    assert take(b).status_code == 303 and take(b, "dat-dai").status_code == 303
    r = take(b, "chung-thuc")
    assert r.status_code == 429 and r.headers["Retry-After"] == str(15 * 3600)
    assert ("Điện thoại này đã lấy đủ 2 số trong hôm nay. Xin quay lại vào ngày mai hoặc lấy "
            "số tại máy lấy số.") in r.text
    r = take(b, "chung-thuc", lang="en")
    assert r.status_code == 429 and "This phone has already taken its 2 tickets today" in r.text


def test_stale_form_and_no_field(web) -> None:
    b = web()
    r = b.post("/lay-so", data={"field": "ho-tich"})
    assert r.status_code == 400 and "Biểu mẫu đã cũ" in r.text
    token = CSRF_FIELD.search(b.get("/lay-so").text).group(1)
    r = b.post("/lay-so", data={"csrf_token": token})
    assert r.status_code == 400 and "Xin chọn một lĩnh vực." in r.text


def test_a_field_closed_for_the_day_cannot_be_taken(web, app_server) -> None:
    engine = app_server.app.extensions["motcua"].engine
    engine.close_field("dat-dai", actor="admin")
    b = web()
    page = b.get("/lay-so").text
    assert re.search(r'value="dat-dai" disabled>', page) and "Hiện không nhận số" in page
    r = take(b, "dat-dai")  # sent anyway (an old page)
    assert r.status_code == 409 and "Lĩnh vực này hiện không nhận số." in r.text


def test_outside_the_centres_network_the_page_says_so(start_app, monkeypatch) -> None:
    from tests.clients import Browser

    text = DEMO_CONFIG.read_text(encoding="utf-8").replace(
        "networks = []", 'networks = ["10.0.0.0/8"]')
    server = start_app(text)
    r = Browser(server.url).get("/lay-so")
    assert r.status_code == 403 and "Wi-Fi của trung tâm" in r.text
    assert 'id="take"' not in r.text
