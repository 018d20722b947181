"""The HTML pages over HTTP (the app in the test's process; the event stream from a real server):
language, login, CSRF, access, 404s."""

from __future__ import annotations

import json
import re

import pytest
import requests

pytestmark = pytest.mark.slow


def test_every_page_answers_in_vietnamese(web, issue) -> None:
    ticket = issue("ho-tich")
    b = web()
    expected = {
        "/": "Màn hình sảnh chờ",
        "/display": "Xin mời số",
        "/display/counter/quay-1": "Đang phục vụ số",
        "/counter": "Đăng nhập cán bộ",
        "/t/" + ticket["track_url"].rsplit("/", 1)[1]: "Trước bạn còn",
    }
    for path, text in expected.items():
        r = b.get(path)
        assert r.status_code == 200, path
        assert r.headers["Content-Type"].startswith("text/html")
        assert text in r.text, path
        assert '<html lang="vi">' in r.text


def test_pages_load_no_outside_resources(web) -> None:
    page = web().get("/display").text
    for src in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert src.startswith(("/", "data:")), src
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert web().get(asset).status_code == 200, asset


def test_track_page_shows_the_ticket_and_nobody_else(web, issue) -> None:
    first = issue("ho-tich")
    mine = issue("ho-tich")
    page = web().get("/t/" + mine["track_url"].rsplit("/", 1)[1]).text
    assert mine["number"] in page and "Tư pháp - Hộ tịch" in page
    assert "Đang chờ" in page and "Trước bạn còn 1 người" in page
    assert first["number"] not in page


def _track_boot(server, service_id: str = "ho-tich", query: str = "") -> dict:
    """The boot JSON of the phone page of a new ticket on ``server``."""
    from tests.clients import KIOSK, Browser

    r = requests.post(server.api("/tickets"), json={"service_id": service_id},
                      headers={"Authorization": f"Bearer {KIOSK}"}, timeout=10)
    assert r.status_code == 201, r.text
    page = Browser(server.url).get("/t/" + r.json()["track_url"].rsplit("/", 1)[1] + query).text
    return json.loads(re.search(r'<script type="application/json" id="boot">(.*?)</script>', page,
                                re.S).group(1))


def test_the_phone_alert_threshold_reaches_the_phone_page(start_app, demo_config_text) -> None:
    boot = _track_boot(start_app(demo_config_text))
    assert boot["alert_ahead"] == 3  # demo.toml
    assert boot["strings"]["alert_near"] == "Sắp đến lượt bạn: còn {n} người trước bạn"
    assert boot["strings"]["alert_called"] == "Đến lượt bạn! Mời đến quầy số {n}"
    assert boot["strings"]["sound_on"] == "Bật âm báo và rung"
    off = start_app(demo_config_text.replace("phone_alert_ahead = 3 ", "phone_alert_ahead = 0 "))
    assert _track_boot(off)["alert_ahead"] == 0
    default = start_app(re.sub(r"phone_alert_ahead = 3 .*\n", "", demo_config_text))
    english = _track_boot(default, query="?lang=en")
    assert english["alert_ahead"] == 3  # the schema's default
    assert english["strings"]["alert_near_one"] == "Almost your turn: 1 person ahead of you"
    assert english["strings"]["sound_on"] == "Turn on sound and vibration"


def test_english_switch_is_remembered(web) -> None:
    b = web()
    r = b.get("/display?lang=en")
    assert "Now calling" in r.text and '<html lang="en">' in r.text
    assert b.s.cookies.get("motcua_lang") == "en"
    assert "Officer login" in b.get("/counter").text  # remembered without ?lang
    assert "Đăng nhập cán bộ" in b.get("/counter?lang=vi").text
    assert "Đăng nhập cán bộ" in b.get("/counter").text
    assert "Đăng nhập cán bộ" in web().get("/counter?lang=xx").text


def test_login_with_a_wrong_password_shows_an_error(web) -> None:
    b = web()
    r = b.login("an", "sai-mat-khau")
    assert r.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in r.text
    assert "officer_id" not in r.headers.get("Set-Cookie", "")
    assert "Đăng nhập cán bộ" in b.get("/counter").text
    assert b.get("/api/v1/auth/me").status_code == 401


def test_login_sets_the_session_the_api_accepts(web, issue) -> None:
    b = web()
    r = b.login("an")
    assert r.status_code == 302 and r.headers["Location"].endswith("/counter")
    page = b.get("/counter").text
    assert "Chọn quầy làm việc" in page and "Nguyễn Văn An" in page
    assert "Quầy 1" in page and "Quầy 2" in page and "Quầy 3" not in page
    me = b.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["officer"]["username"] == "an"

    ticket = issue("ho-tich")
    work = b.get("/counter/quay-1")
    assert work.status_code == 200 and "Gọi số tiếp theo" in work.text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', work.text).group(1)
    refused = b.post("/api/v1/counters/quay-1/call-next", json={})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "csrf_failed"
    called = b.post("/api/v1/counters/quay-1/call-next", json={}, headers={"X-CSRFToken": token})
    assert called.status_code == 200 and called.json()["ticket"]["number"] == ticket["number"]


def test_page_post_without_csrf_token_is_refused(web) -> None:
    b = web()
    b.get("/counter")
    r = b.post("/counter/login", data={"username": "an", "password": "matkhau-123"},
               allow_redirects=False)
    assert r.status_code == 400
    assert "Phiên làm việc đã hết hạn" in r.text
    assert b.get("/api/v1/auth/me").status_code == 401
    r = b.post("/counter/login", data={"csrf_token": "forged", "username": "an",
                                       "password": "matkhau-123"}, allow_redirects=False)
    assert r.status_code == 400


def test_failed_page_logins_are_throttled(web) -> None:
    b = web()
    for _ in range(5):
        assert b.login("an", "sai-mat-khau").status_code == 401
    r = b.login("an")  # even the right password waits now
    assert r.status_code == 429 and "Đăng nhập sai quá nhiều lần" in r.text
    assert b.get("/api/v1/auth/me").status_code == 401
    api = requests.post(b.url + "/api/v1/auth/login", json={"username": "an", "password": "matkhau-123"},
                        timeout=10)
    assert api.status_code == 429  # one throttle for the page and the API


def test_logout_ends_the_session(web) -> None:
    b = web()
    b.login("an")
    token = b.csrf("/counter")
    assert b.post("/counter/logout", data={}, allow_redirects=False).status_code == 400
    r = b.post("/counter/logout", data={"csrf_token": token}, allow_redirects=False)
    assert r.status_code == 302
    assert "Đăng nhập cán bộ" in b.get("/counter").text
    assert b.get("/api/v1/auth/me").status_code == 401


def test_login_goes_back_to_a_local_page_only(web) -> None:
    r = web().login("admin", next="/admin")
    assert r.headers["Location"].endswith("/admin")
    for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        r = web().login("admin", next=bad)
        assert r.status_code == 302 and r.headers["Location"].endswith("/counter"), bad


def test_admin_page_requires_an_admin(web) -> None:
    anonymous = web().get("/admin", allow_redirects=False)
    assert anonymous.status_code == 302 and "/counter?next=" in anonymous.headers["Location"]
    officer = web()
    officer.login("an")
    r = officer.get("/admin")
    assert r.status_code == 403 and "chỉ dành cho quản trị viên" in r.text
    admin = web()
    admin.login("admin")
    r = admin.get("/admin")
    assert r.status_code == 200 and "Quản trị" in r.text and "Tổng quan hôm nay" in r.text


def test_work_page_needs_login_and_an_allowed_counter(web) -> None:
    r = web().get("/counter/quay-1", allow_redirects=False)
    assert r.status_code == 302 and "next=/counter/quay-1" in r.headers["Location"]
    b = web()
    b.login("an")
    r = b.get("/counter/quay-3")
    assert r.status_code == 403 and "chưa được phân công" in r.text


def test_unknown_counter_and_ticket_are_friendly_404s(web) -> None:
    b = web()
    r = b.get("/display/counter/quay-99")
    assert r.status_code == 404 and "Không có quầy này" in r.text and "quay-99" in r.text
    b.login("an")
    assert b.get("/counter/quay-99").status_code == 404
    for token in ("khong-co-that", "x" * 80):
        r = b.get("/t/" + token)
        assert r.status_code == 404 and "Không tìm thấy số thứ tự" in r.text
    assert "Ticket not found" in b.get("/t/khong-co-that?lang=en").text


def test_the_boot_data_is_valid_json(web) -> None:
    page = web().get("/display").text
    boot = json.loads(re.search(r'<script type="application/json" id="boot">(.*?)</script>', page,
                                re.S).group(1))
    assert boot["snapshot"]["centre"]["name"] == "Bộ phận Một cửa UBND xã Phú Hòa"
    assert "ticket.called" in boot["kinds"] and boot["keepalive_s"] == 1.0
    assert boot["strings"]["counter_n"] == "Quầy {n}"


def test_events_stream_sends_keepalive_events(live_server) -> None:
    with requests.get(live_server.api("/events"), stream=True, timeout=10) as r:
        seen = ""
        for chunk in r.iter_content(chunk_size=None, decode_unicode=True):
            seen += chunk
            if "event: keepalive" in seen:
                break
    assert "event: snapshot" in seen
    block = seen[seen.index(": keepalive"):]
    data = json.loads(re.search(r"event: keepalive\ndata: (.*)\n", block).group(1))
    assert data["server_time"].endswith("+00:00")


def test_counter_chooser_keys_are_the_counters_numbers(web, http_server) -> None:
    http_server.add_officer("binh", counters="quay-3,quay-5", full_name="Trần Văn Bình")
    b = web()
    b.login("binh")
    page = b.get("/counter").text
    keys = re.findall(r'data-key="(\d*)"', page)
    badges = re.findall(r"<kbd>(\d+)</kbd>", page)
    assert keys == badges == ["3", "5"]  # not list positions 1 and 2


def test_an_officer_with_one_counter_goes_straight_to_it(web, http_server) -> None:
    http_server.add_officer("chi", counters="quay-4", full_name="Lê Thị Chi")
    b = web()
    b.login("chi")
    r = b.get("/counter", allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"].endswith("/counter/quay-4")
    assert "Gọi số tiếp theo" in b.get("/counter").text


def test_admins_log_in_on_a_page_that_says_so(web) -> None:
    b = web()
    r = b.get("/admin")  # anonymous: sent to the login form, with where to go next
    assert "Đăng nhập quản trị" in r.text and "Đăng nhập cán bộ" not in r.text
    assert "Đăng nhập cán bộ" in b.get("/counter").text
