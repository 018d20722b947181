"""Who may see the admin pages, and that every admin form needs the CSRF token."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

PAGES = ("/admin", "/admin/officers", "/admin/officers/an", "/admin/day", "/admin/day/reset",
         "/admin/audit", "/admin/reports", "/admin/reports/waiting", "/admin/reports/appointments",
         "/admin/reports/print?report=appointments",
         "/admin/reports/print?report=satisfaction", "/admin/config", "/admin/poster",
         "/admin/appointments")

# Every form POST of the admin pages, with data that would work with the token.
FORMS = {
    "/admin/officers": {"username": "moi", "full_name": "Lê Văn Mới", "role": "officer",
                        "password": "matkhau-456", "password2": "matkhau-456"},
    "/admin/officers/an/active": {"active": "0"},
    "/admin/officers/an/password": {"password": "matkhau-456", "password2": "matkhau-456"},
    "/admin/officers/an/counters": {"counters": "quay-3"},
    "/admin/notices": {"notices": "Thông báo thử"},
    "/admin/fields/ho-tich": {"action": "close"},
    "/admin/day/reset": {"confirm": "yes"},
    "/admin/config/reload": {},
    "/admin/appointments": {"grace_minutes": "20", "retention_days": "30"},
}


def test_pages_redirect_anonymous_visitors_to_the_login_form(web) -> None:
    b = web()
    for path in PAGES:
        r = b.get(path, allow_redirects=False)
        assert r.status_code == 302, path
        assert "/counter?next=" in r.headers["Location"], path
    r = b.post("/admin/notices", data={"notices": "x"}, allow_redirects=False)
    assert r.status_code == 302 and "/counter?next=" in r.headers["Location"]


def test_login_comes_back_to_the_admin_page_asked_for(web) -> None:
    b = web()
    r = b.login("admin", next="/admin/audit?kind=day.reset")
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/audit?kind=day.reset")


def test_officers_are_refused_and_admins_see_every_page(web, admin, api) -> None:
    officer = web()
    officer.login("an")
    for path in PAGES:
        r = officer.get(path)
        assert r.status_code == 403, path
        assert "chỉ dành cho quản trị viên" in r.text
        r = admin.get(path)
        assert r.status_code == 200, path
        assert r.headers["Content-Type"].startswith("text/html")
        assert '<html lang="vi">' in r.text, path
    assert officer.post("/admin/notices", data={"notices": "x"}).status_code == 403


def test_dashboard_json_is_for_admins_only(web, admin, api) -> None:
    assert api.get("/admin/dashboard").status_code == 401
    assert api.get("/admin/dashboard", as_="an").status_code == 403
    assert api.get("/admin/dashboard", as_="kiosk").status_code == 403
    assert api.get("/admin/dashboard", as_="admin").status_code == 200
    officer = web()
    officer.login("an")
    assert officer.get("/api/v1/admin/dashboard").status_code == 403
    r = admin.get("/api/v1/admin/dashboard")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"


def test_every_form_is_refused_without_the_csrf_token(admin, api, http_server) -> None:
    before = api.get("/display").json()
    for path, data in FORMS.items():
        r = admin.form(path, data, csrf=False)
        assert r.status_code == 400, path
        assert "Phiên làm việc đã hết hạn" in r.text, path
        r = admin.form(path, {**data, "csrf_token": "forged"}, csrf=False)
        assert r.status_code == 400, path
    # nothing changed
    assert api.get("/display").json()["notices"] == before["notices"]
    assert api.issue("ho-tich")["number"] == "1001"  # not closed, not reset
    assert "moi" not in admin.get("/admin/officers").text
    assert api.login("an")  # still active, same password
    assert "grace_minutes = 15 " in http_server.config_path.read_text(encoding="utf-8")


def test_english_switch(admin) -> None:
    r = admin.get("/admin?lang=en")
    assert '<html lang="en">' in r.text and "Today at a glance" in r.text
    assert "Officer accounts" in admin.get("/admin/officers").text  # remembered
    assert "Tài khoản cán bộ" in admin.get("/admin/officers?lang=vi").text


def test_a_kiosk_that_issues_tickets_is_in_contact_without_a_heartbeat(api) -> None:
    def kiosk() -> dict:
        devices = api.get("/admin/dashboard", as_="admin").json()["devices"]
        return next(d for d in devices if d["id"] == "kiosk-1")

    assert kiosk()["last_seen"] is None and not kiosk()["online"]
    api.issue("ho-tich")  # the kiosk's token, and no heartbeat yet
    seen = kiosk()
    assert seen["online"] and seen["last_seen"] and seen["address"] == "127.0.0.1"
