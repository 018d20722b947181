"""Page code in-process (Flask test client): app factory reuse, redirects, strings."""

from __future__ import annotations

import re

import pytest

from display_server.app import create_app
from display_server.pages.common import safe_next


def test_pages_register_on_many_apps_in_one_process(config) -> None:
    for _ in range(2):
        client = create_app(config).test_client()
        r = client.get("/display?lang=en")
        assert r.status_code == 200 and "Now calling" in r.text
        assert "motcua_lang=en" in r.headers["Set-Cookie"]
        assert "Set-Cookie" not in client.get("/api/v1/health?lang=en").headers


@pytest.mark.parametrize(("target", "expected"), [
    ("/admin", "/admin"),
    ("/counter/quay-1?x=1", "/counter/quay-1?x=1"),
    (None, "/counter"),
    ("", "/counter"),
    ("//evil.example/", "/counter"),
    ("https://evil.example/", "/counter"),
    ("/\\evil.example", "/counter"),
    ("javascript:alert(1)", "/counter"),
])
def test_safe_next(target, expected) -> None:
    assert safe_next(target, "/counter") == expected


def page_script_strings(app, lang: str) -> dict[str, dict[str, str]]:
    """Each page's words for its script (the boot JSON's ``strings``) in ``lang``."""
    from display_server.pages.admin.dashboard import dashboard_strings
    from display_server.pages.admin.reports import chart_strings
    from display_server.pages.counter import work_strings
    from display_server.pages.display import screen_strings
    from display_server.pages.track import track_strings

    with app.test_request_context(f"/?lang={lang}"):
        return {f.__name__: f() for f in (dashboard_strings, chart_strings, work_strings, screen_strings,
                                          track_strings)}


def test_the_page_scripts_get_every_word_in_both_languages(config) -> None:
    app = create_app(config)
    vi, en = page_script_strings(app, "vi"), page_script_strings(app, "en")
    for page, words in vi.items():
        assert set(words) == set(en[page]), page
        for key, text in words.items():
            where = f"{page}: {key}"
            assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", en[page][key])), where
            assert en[page][key] != text, f"{where} has no English"
    assert vi["screen_strings"]["counter_n"] == "Quầy {n}" and en["screen_strings"]["counter_n"] == "Counter {n}"
    assert len(en["screen_strings"]["weekdays"].split(",")) == len(vi["screen_strings"]["weekdays"].split(",")) == 7


def test_security_headers_and_a_secure_cookie_behind_https(make_config) -> None:
    plain = create_app(make_config()).test_client()
    for path in ("/display", "/api/v1/health", "/static/css/base.css", "/no-such-page"):
        r = plain.get(path)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"], path
        assert "script-src 'self'" in r.headers["Content-Security-Policy"], path
        assert r.headers["Referrer-Policy"] == "same-origin", path
    assert create_app(make_config()).config["SESSION_COOKIE_SECURE"] is False
    https = create_app(make_config(server={"public_url": "https://motcua.xa-phu-hoa.vn"}))
    assert https.config["SESSION_COOKIE_SECURE"] is True



def test_counts_of_one_have_their_own_words_in_english(config) -> None:
    from display_server.pages.i18n import ngettext
    from display_server.pages.track import describe

    app = create_app(config)
    en, vi = page_script_strings(app, "en"), page_script_strings(app, "vi")
    assert en["work_strings"]["people_one"] == "1 person" and en["work_strings"]["people"] == "{n} people"
    assert vi["work_strings"]["people_one"] == "1 người"
    assert en["dashboard_strings"]["adm_ago_d_one"] == "1 day ago"
    assert en["dashboard_strings"]["adm_ago_d"] == "{n} days ago"
    with app.test_request_context("/?lang=en"):
        assert describe({"state": "waiting", "waiting_before": 1})["ahead"] == "1 person ahead of you"
        assert describe({"state": "waiting", "waiting_before": 2})["ahead"] == "2 people ahead of you"
        too_many = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} phút."
        assert ngettext(too_many, too_many, 1) == "Too many failed logins. Please try again in a minute."
        assert ngettext(too_many, too_many, 5).format(n=5) == "Too many failed logins. Please try again in 5 minutes."
    with app.test_request_context("/?lang=vi"):
        assert describe({"state": "waiting", "waiting_before": 1})["ahead"] == "Trước bạn còn 1 người"


def test_page_errors_are_friendly_pages_and_api_errors_stay_json(config) -> None:
    client = create_app(config).test_client()
    r = client.get("/khong-co-trang-nay")
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert '<html lang="vi"' in r.text and "Không tìm thấy trang" in r.text
    assert "Về trang chính" in r.text and "Not Found" not in r.text
    r = client.get("/khong-co-trang-nay?lang=en")
    assert r.status_code == 404 and '<html lang="en"' in r.text and "Page not found" in r.text
    r = client.put("/display?lang=vi")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert "Thao tác không được hỗ trợ" in r.text
    r = client.get("/api/v1/khong-co")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    # A stale page form (no CSRF token) is a page too, not Flask's "Bad Request".
    r = client.post("/counter/login", data={"username": "a", "password": "b"})
    assert r.status_code in (400, 401) and "Bad Request" not in r.text


@pytest.mark.parametrize("path", ["/admin/", "/counter/", "/display/"])
def test_a_trailing_slash_finds_the_page(config, path) -> None:
    client = create_app(config).test_client()
    plain, slashed = client.get(path.rstrip("/")), client.get(path)
    assert slashed.status_code == plain.status_code != 404
    assert (slashed.headers.get("Location") or "").split("?")[0] == \
        (plain.headers.get("Location") or "").split("?")[0]
