"""Wrong passwords in the audit log: ``account.login_failed`` with the address, the account's
name only if there is such an account (what else was typed may be a password), shown on the
admin's audit page in both languages; the login still answers "wrong credentials"."""

from __future__ import annotations

import requests

from motcua.core.storage import Database

TYPED = "mat-khau-go-nham-o-ten"  # a password typed in the username box


def failed_rows(server) -> list[tuple[str, str]]:
    db = Database(f"sqlite:///{server.data_dir / 'motcua.db'}")
    try:
        with db.read() as conn:
            return [(actor, data) for actor, data in conn.exec_driver_sql(
                "SELECT actor, data FROM audit_log WHERE kind = 'account.login_failed' ORDER BY id")]
    finally:
        db.dispose()


def test_wrong_passwords_are_audited_with_the_address_and_only_an_accounts_name(
        admin, web, http_server) -> None:
    assert failed_rows(http_server) == []  # the fixtures' own logins were right
    page_login = web().login("an", "not-the-password-1")
    assert page_login.status_code != 302  # the officer's page: not logged in
    r = requests.post(http_server.api("/auth/login"),
                      json={"username": TYPED, "password": "anything-at-all"}, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_credentials"

    rows = failed_rows(http_server)
    assert [actor for actor, _ in rows] == ["anonymous", "anonymous"]
    assert '"username": "an"' in rows[0][1] and '"address": "127.0.0.1"' in rows[0][1]
    assert '"username": ""' in rows[1][1] and TYPED not in rows[1][1]

    vi = admin.get("/admin/audit?kind=account.login_failed").text
    assert "Đăng nhập sai: an, từ địa chỉ 127.0.0.1" in vi
    assert "Đăng nhập sai: một tên không phải tài khoản, từ địa chỉ 127.0.0.1" in vi
    assert TYPED not in vi
    en = admin.get("/admin/audit?kind=account.login_failed&lang=en").text
    assert "Failed login: an, from address 127.0.0.1" in en
    assert "Failed login: a name that is not an account, from address 127.0.0.1" in en
