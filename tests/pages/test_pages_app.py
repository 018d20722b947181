"""Page code in-process (Flask test client): app factory reuse, redirects, strings."""

from __future__ import annotations

import re

import pytest

from display_server.app import create_app
from display_server.pages.common import safe_next
from display_server.pages.i18n import STRINGS


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


def test_both_languages_have_the_same_strings() -> None:
    assert set(STRINGS["vi"]) == set(STRINGS["en"])
    for key, text in STRINGS["vi"].items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", STRINGS["en"][key])), key
    assert len(STRINGS["en"]["weekdays"].split(",")) == len(STRINGS["vi"]["weekdays"].split(",")) == 7


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



def test_counts_of_one_have_their_own_words_in_english() -> None:
    from display_server.pages.i18n import tn

    assert tn("too_many_attempts", 1, "en") == "Too many failed logins. Please try again in a minute."
    assert tn("too_many_attempts", 5, "en") == "Too many failed logins. Please try again in 5 minutes."
    assert tn("people", 1, "en") == "1 person" and tn("people", 2, "en") == "2 people"
    assert tn("people", 1, "vi") == "1 người"
