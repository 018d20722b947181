"""Officer accounts from the admin pages: add, validate, disable, reset a password, counters."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

NEW = {"username": "binh.le", "full_name": "Lê Thị Bình", "role": "officer",
       "password": "mat-khau-moi", "password2": "mat-khau-moi", "counters": ["quay-3", "quay-4"]}


def test_add_an_officer_then_log_in_as_them(admin, web) -> None:
    r = admin.form("/admin/officers", NEW)
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/officers")
    page = admin.get("/admin/officers").text
    assert "Đã thêm tài khoản “binh.le”." in page
    assert "Lê Thị Bình" in page and "quay-3, quay-4" in page

    b = web()
    r = b.login("binh.le", "mat-khau-moi")
    assert r.status_code == 302
    choose = b.get("/counter").text
    assert "Quầy 3" in choose and "Quầy 4" in choose and "Quầy 1" not in choose
    assert b.get("/counter/quay-1").status_code == 403
    assert b.get("/admin").status_code == 403  # an officer, not an admin


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"username": "Bình"}, "username", "Tên đăng nhập cần 2–64 ký tự"),
    ({"username": "an"}, "username", "Tên đăng nhập “an” đã có người dùng."),
    ({"full_name": "  "}, "full_name", "Vui lòng nhập họ và tên"),
    ({"password": "ngan", "password2": "ngan"}, "password", "Mật khẩu cần ít nhất 8 ký tự."),
    ({"password2": "khac-hoan-toan"}, "password2", "Hai lần nhập mật khẩu không giống nhau."),
    ({"role": "root"}, "role", "Vai trò không hợp lệ."),
    ({"counters": ["quay-99"]}, "counters", "Quầy không có trong cấu hình: quay-99."),
])
def test_the_add_form_says_what_is_wrong_in_vietnamese(admin, web, change, field, message) -> None:
    r = admin.form("/admin/officers", {**NEW, **change})
    assert r.status_code == 400
    assert message in r.text
    assert f'id="err-{field}"' in r.text
    assert 'value="mat-khau-moi"' not in r.text  # passwords are never sent back
    if field != "username":
        assert web().login(NEW["username"], NEW["password"]).status_code == 401


def test_disabling_blocks_login_and_ends_open_sessions(admin, web) -> None:
    officer = web()
    officer.login("an")
    assert officer.get("/counter/quay-1").status_code == 200
    r = admin.form("/admin/officers/an/active", {"active": "0"})
    assert r.status_code == 302
    assert "Đã khóa tài khoản “an”." in admin.get("/admin/officers/an").text
    assert officer.get("/counter/quay-1", allow_redirects=False).status_code == 302  # logged out
    r = web().login("an")
    assert r.status_code == 401 and "không đúng" in r.text

    admin.form("/admin/officers/an/active", {"active": "1"})
    assert web().login("an").status_code == 302


def test_an_admin_cannot_disable_themselves(admin) -> None:
    page = admin.get("/admin/officers/admin").text
    assert "Bạn không thể tự khóa tài khoản mình đang dùng." in page
    r = admin.form("/admin/officers/admin/active", {"active": "0"})
    assert r.status_code == 400
    assert admin.get("/admin").status_code == 200


def test_reset_a_password(admin, web) -> None:
    officer = web()
    officer.login("an")
    r = admin.form("/admin/officers/an/password", {"password": "ngan", "password2": "ngan"})
    assert r.status_code == 400 and "Mật khẩu cần ít nhất 8 ký tự." in r.text
    r = admin.form("/admin/officers/an/password", {"password": "doi-mat-khau", "password2": "doi-mat-khau"})
    assert r.status_code == 302
    assert "Đã đặt lại mật khẩu cho “an”." in admin.get(r.headers["Location"]).text
    assert web().login("an", "matkhau-123").status_code == 401
    assert web().login("an", "doi-mat-khau").status_code == 302
    assert officer.get("/counter/quay-1", allow_redirects=False).status_code == 302  # session ended


def test_an_admin_resetting_their_own_password_stays_logged_in(admin, web) -> None:
    r = admin.form("/admin/officers/admin/password", {"password": "moi-moi-moi", "password2": "moi-moi-moi"})
    assert r.status_code == 302
    assert admin.get("/admin").status_code == 200
    assert web().login("admin", "moi-moi-moi").status_code == 302


def test_choose_the_counters_of_an_officer(admin, web) -> None:
    r = admin.form("/admin/officers/an/counters", {"counters": ["quay-2"]})
    assert r.status_code == 302
    officer = web()
    officer.login("an")
    assert officer.get("/counter/quay-1").status_code == 403
    assert officer.get("/counter/quay-2").status_code == 200
    r = admin.form("/admin/officers/an/counters", {"counters": ["quay-2", "nope"]})
    assert r.status_code == 400 and "Quầy không có trong cấu hình: nope." in r.text
    admin.form("/admin/officers/an/counters", {})  # none ticked: every counter
    assert officer.get("/counter/quay-5").status_code == 200


def test_unknown_officer_is_a_404(admin) -> None:
    assert admin.get("/admin/officers/khong-co").status_code == 404
    assert admin.form("/admin/officers/khong-co/active", {"active": "0"}).status_code == 404


@pytest.mark.live
def test_account_changes_are_audited_but_never_streamed(admin, live_server) -> None:
    """Account changes are in the audit log, with the admin as actor, and not on the public stream."""
    import requests

    from motcua.core.storage import Database

    r = admin.form("/admin/officers", NEW)
    assert r.status_code == 302, r.text
    db = Database(f"sqlite:///{live_server.data_dir / 'motcua.db'}")
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT kind, actor, data FROM audit_log WHERE kind LIKE 'account.%'").all()
    assert [(k, a) for k, a, _ in rows] == [("account.added", "officer:admin")]
    assert NEW["username"] in rows[0][2]
    assert NEW["username"] in admin.get("/admin/audit").text
    stream = requests.get(live_server.api("/events"), headers={"Last-Event-ID": "0"}, stream=True,
                          timeout=(5, 5))
    try:
        seen = b""
        for chunk in stream.iter_content(chunk_size=None):
            seen += chunk
            if b"event: keepalive" in seen:
                break
        assert NEW["username"].encode() not in seen and b"account." not in seen
    finally:
        stream.close()
