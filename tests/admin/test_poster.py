"""The remote-ticket poster (admin): an A4 sheet in Vietnamese with the centre's name, the steps
and a QR code of the centre's /lay-so address from server.public_url (and a hint when that is
not set); admins only."""

from __future__ import annotations

import re

import pytest

from display_server.pages.qr import qr_data_uri
from tests.conftest import DEMO_CONFIG

pytestmark = pytest.mark.slow


def qr_of(page: str) -> str:
    return re.search(r'id="qr" src="(data:image/png;base64,[^"]+)"', page).group(1)


def test_the_poster_names_the_centre_and_leads_to_lay_so(admin, http_server) -> None:
    r = admin.get("/admin/poster?lang=en")  # printed in Vietnamese whatever the admin reads
    assert r.status_code == 200 and '<html lang="vi">' in r.text
    page = r.text
    assert "LẤY SỐ THỨ TỰ BẰNG ĐIỆN THOẠI" in page
    assert "Chọn lĩnh vực cần giải quyết." in page
    assert "Mỗi điện thoại lấy được 2 số mỗi ngày." in page
    url = f"http://127.0.0.1:{http_server.port}/lay-so"  # the demo's public_url, on the test's port
    assert f'id="address">{url}<' in page
    assert "css/page-a4-portrait.css" in page and "js/admin-print.js" in page
    assert 'class="poster-hint"' not in page
    assert qr_of(page) == qr_data_uri(url, box_size=16)


def test_without_a_public_url_the_admin_is_told(start_app) -> None:
    from tests.admin.conftest import AdminBrowser

    text = DEMO_CONFIG.read_text(encoding="utf-8").replace(
        'public_url = "http://127.0.0.1:8080"', 'public_url = ""')
    assert 'public_url = ""' in text
    text = text.replace("enabled = true", "enabled = false", 1)
    server = start_app(text)
    server.add_officer("admin", role="admin")
    b = AdminBrowser(server.url)
    assert b.login("admin").status_code == 302
    page = b.get("/admin/poster").text
    assert f'id="address">{server.url}/lay-so<' in page  # the address this page came from
    assert qr_of(page) == qr_data_uri(f"{server.url}/lay-so", box_size=16)
    assert "Chưa đặt địa chỉ công khai của máy chủ (server.public_url" in page
    assert "Lấy số từ xa đang tắt" in page


def test_officers_cannot_open_it(web) -> None:
    officer = web()
    officer.login("an")
    assert officer.get("/admin/poster").status_code == 403
