"""The configuration page: read-only, secrets masked, and a reload that never breaks the server."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DEMO_CONFIG

pytestmark = pytest.mark.slow

SECRETS = ("demo-kiosk-1-token-not-secret", "demo-rating-1-token-not-secret",
           "demo-rating-2-token-not-secret")


def _result(page: str) -> str:
    m = re.search(r'<div class="check-result[^"]*" id="check-result".*?</div>', page, re.S)
    assert m, "no check result on the page"
    return re.sub(r"\s+", " ", m.group(0))


def test_config_page_shows_summary_and_file_with_tokens_masked(admin, http_server) -> None:
    text = http_server.config_path.read_text(encoding="utf-8")
    text = text.replace("[server]\n", '[server]\nsecret_key = "khoa-bi-mat-cua-may-chu"\n')
    text = text.replace('url = ""', 'url = "postgresql://motcua:mat-khau-csdl@127.0.0.1/motcua"')
    text = text.replace('admin_pin = "1234"', 'admin_pin = "987654"')
    http_server.config_path.write_text(text, encoding="utf-8")

    page = admin.get("/admin/config").text
    for secret in (*SECRETS, "khoa-bi-mat-cua-may-chu", "mat-khau-csdl", "987654"):
        assert secret not in page, secret
    assert page.count("token = &#34;••••••&#34;") == 3
    assert "postgresql://motcua:••••••@127.0.0.1/motcua" in page
    # the config check summary, in Vietnamese on a Vietnamese page
    assert "Trung tâm: Bộ phận Một cửa UBND xã Phú Hòa" in page
    assert "Ưu tiên: một số ưu tiên sau mỗi 3 số thường" in page
    assert "priority:" not in page and "cap none" not in page
    assert str(http_server.config_path.resolve()) in page
    assert "[[devices]]" in page and "Nút đánh giá quầy 1-2" in page  # the rest is shown as is


def test_reload_with_an_invalid_file_shows_the_problems_and_keeps_running(admin, api, http_server) -> None:
    good = http_server.config_path.read_text(encoding="utf-8")
    http_server.config_path.write_text(good.replace('priority_policy = "every_n"', 'priority_policy = "x"')
                                       .replace("calls_before_skip = 2", "calls_before_skip = -1"),
                                       encoding="utf-8")
    result = _result(admin.form("/admin/config/reload").text)
    assert "Tệp cấu hình có lỗi" in result
    assert "queue.priority_policy" in result and "queue.calls_before_skip" in result
    assert "vẫn chạy với cấu hình cũ" in result
    assert [c["id"] for c in api.get("/display").json()["counters"]][2] == "quay-3"
    assert api.issue("dat-dai")["number"] == "3001"

    http_server.config_path.write_text("[centre\nname=", encoding="utf-8")
    assert "not valid TOML" in _result(admin.form("/admin/config/reload").text)


def test_reload_with_a_valid_changed_file_asks_for_a_restart(admin, http_server) -> None:
    assert "giống cấu hình đang chạy" in _result(admin.form("/admin/config/reload").text)
    text = http_server.config_path.read_text(encoding="utf-8")
    http_server.config_path.write_text(text.replace("target_wait_minutes = 20", "target_wait_minutes = 25")
                                       .replace("recent_calls = 6", "recent_calls = 8"), encoding="utf-8")
    result = _result(admin.form("/admin/config/reload").text)
    assert "hợp lệ và có thay đổi" in result
    assert "<code>[queue]</code>, <code>[display]</code>" in result
    assert "sudo systemctl restart motcua-server" in result


def test_the_demo_config_itself_shows_no_token() -> None:
    from display_server.pages.admin.config import mask_secrets

    masked = mask_secrets(DEMO_CONFIG.read_text(encoding="utf-8"))
    assert not any(s in masked for s in SECRETS)
    assert 'admin_pin = "••••••"' in masked
