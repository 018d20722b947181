"""The officer page in Chromium, driven by the keyboard alone."""

from __future__ import annotations

import pytest
import requests

from tests.ui.conftest import wait_for_js

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the 'playwright' package").expect

pytestmark = [pytest.mark.slow, pytest.mark.live]  # the shared api talks to the live server


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_officer_page_works_with_the_keyboard_alone(browser, live_server, api) -> None:
    tickets = [api.issue(field) for field in ("ho-tich", "ho-tich", "chung-thuc")]
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(live_server.url + "/counter")
    kb = page.keyboard

    # log in: the username field has the focus (autofocus is applied at the next rendering
    # step, which can come after "load" on a busy machine); Tab to the password; Enter submits
    expect(page.locator("#username")).to_be_focused()
    kb.type("an")
    kb.press("Tab")
    kb.type("matkhau-123")
    kb.press("Enter")
    page.wait_for_url(live_server.url + "/counter")

    # choose a counter: the first one has the focus, Enter opens it
    expect(page.locator("h1")).to_have_text("Chọn quầy làm việc")
    # (the login form posted to this same URL, so wait for the new page's focus to settle)
    first = page.locator("#counter-choices a.choice").first
    expect(first).to_be_focused()
    assert first.text_content().strip().endswith("Chứng thực")
    kb.press("Enter")
    page.wait_for_url(live_server.url + "/counter/quay-1")
    wait_for_js(page, "window.__officer && window.__officer.view !== null")
    expect(page.locator("#btn-call-next")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button must show its focus"

    number = page.locator("#current-number")
    kb.press("g")  # call next
    expect(number).to_have_text("1001")
    expect(page.locator("#message")).to_have_text("Đã gọi số 1001.")
    expect(page.locator("#current-calls")).to_contain_text("Đã gọi 1 lần")
    expect(page.locator("#btn-skip")).to_be_disabled()  # not before 2 calls
    expect(page.locator("#skip-hint")).to_have_text("Được bỏ qua sau 2 lần gọi")

    kb.press("l")  # recall
    expect(page.locator("#current-calls")).to_contain_text("Đã gọi 2 lần")
    expect(page.locator("#btn-skip")).to_be_enabled()

    # Tab moves through the action buttons in order
    page.focus("#btn-call-next")
    kb.press("Tab")
    assert focused_id(page) == "btn-recall"
    kb.press("Tab")
    assert focused_id(page) == "btn-finish"

    kb.press("x")  # finish
    expect(number).to_have_text("Chưa gọi số nào")
    expect(page.locator("#today")).to_contain_text("Đã phục vụ1")
    expect(page.locator("#btn-call-next")).to_be_focused()  # focus is never lost to the page

    # the dossier code of the ticket just served: H, type, Enter; focus returns to the buttons
    kb.press("h")
    assert focused_id(page) == "dossier"
    kb.type("HS-2026-001")
    kb.press("Enter")
    expect(page.locator("#message")).to_have_text("Đã lưu mã hồ sơ cho số 1001.")
    expect(page.locator("#btn-call-next")).to_be_focused()
    first = requests.get(live_server.api(f"/tickets/{tickets[0]['id']}"), timeout=10).json()
    assert first["dossier_code"] == "HS-2026-001"

    # Enter on the focused button calls the next number too
    kb.press("Enter")
    expect(number).to_have_text("1002")

    # pause with a reason picked by arrow keys, then resume
    kb.press("t")
    dialog = page.locator("#pause-dialog")
    expect(dialog).to_be_visible()
    kb.press("ArrowDown")  # "Nghỉ giải lao"
    kb.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#paused-banner")).to_have_text("Quầy đang tạm dừng: Nghỉ giải lao")
    kb.press("t")
    expect(page.locator("#paused-banner")).to_be_hidden()

    # transfer to a field chosen with the arrow keys; Escape closes a dialog without acting
    kb.press("c")
    expect(page.locator("#transfer-dialog")).to_be_visible()
    kb.press("Escape")
    expect(page.locator("#transfer-dialog")).to_be_hidden()
    expect(number).to_have_text("1002")
    kb.press("c")  # the dialog starts with nothing chosen: Enter alone sends nothing
    kb.press("Enter")
    expect(page.locator("#transfer-dialog")).to_be_visible()
    expect(page.locator("#transfer-form button[type=submit]")).to_be_disabled()
    own = page.locator('#transfer-target option[value="service:ho-tich"]')
    expect(own).to_be_hidden()  # never the ticket's own field
    kb.press("ArrowDown")  # the first other field: Chứng thực
    kb.press("Enter")
    expect(number).to_have_text("Chưa gọi số nào")
    expect(page.locator("#today")).to_contain_text("Đã chuyển1")
    expect(page.locator("#message")).to_have_text("Đã chuyển số 1002 sang Chứng thực.")

    # skip a no-show, then call it again from the missed list with Tab + Enter
    kb.press("g")
    expect(number).to_have_text("1002")  # in line by when its number was taken: first here
    expect(page.locator("#current-calls")).to_contain_text("Đã gọi 1 lần")  # counted afresh
    kb.press("l")
    expect(page.locator("#current-calls")).to_contain_text("Đã gọi 2 lần")
    expect(page.locator("#message")).to_have_text("Đã gọi lại số 1002.")  # a recall is confirmed
    kb.press("b")
    expect(page.locator("#missed")).to_contain_text("1002")
    page.focus("#missed button")
    expect(page.locator("#missed button")).to_have_text("Gọi lại số 1002")
    kb.press("Enter")
    expect(number).to_have_text("1002")
    expect(page.locator("#missed")).to_contain_text("Không có số vắng mặt.")


def test_officer_sees_api_errors_in_vietnamese_and_ratings_live(officer, api, live_server) -> None:
    import uuid
    from datetime import UTC, datetime

    page = officer("quay-1")
    page.keyboard.press("g")
    expect(page.locator("#message")).to_have_text("Không còn ai đang chờ.")
    api.issue("ho-tich")
    expect(page.locator("#waiting")).to_contain_text("1001")  # the live event: someone waits
    page.keyboard.press("g")
    expect(page.locator("#message")).to_have_text("Đã gọi số 1001.")
    expect(page.locator("#current-number")).to_have_text("1001")
    api.act_ok("quay-1", "finish")  # finished elsewhere: the page follows the live events
    expect(page.locator("#current-number")).to_have_text("Chưa gọi số nào")
    r = requests.post(live_server.api("/ratings"), timeout=10, json={
        "rating_id": str(uuid.uuid4()), "counter_id": "quay-1", "level": "very_satisfied",
        "pressed_at": datetime.now(UTC).isoformat()},
        headers={"Authorization": "Bearer demo-rating-1-token-not-secret"})
    assert r.status_code == 201, r.text
    expect(page.locator("#rating")).to_have_text("Đánh giá số 1001: Rất hài lòng")
    # an API refusal shows the server's Vietnamese message
    page.locator("#btn-recall").evaluate("b => { b.disabled = false; }")
    page.click("#btn-recall")
    expect(page.locator("#message")).to_have_text("Quầy chưa gọi số nào.")


def test_a_lost_connection_message_goes_once_the_server_is_back(officer, live_server) -> None:
    page = officer("quay-1")
    live_server.stop()
    page.keyboard.press("g")
    message = page.locator("#message")
    expect(message).to_have_text("Không gửi được yêu cầu đến máy chủ. Kiểm tra kết nối mạng.",
                                 timeout=10_000)
    live_server.start()
    expect(page.locator("body")).to_have_attribute("data-live", "online", timeout=30_000)
    expect(message).to_have_text("", timeout=10_000)  # not the old error any more


def test_a_dossier_code_too_long_is_refused_in_words_not_cut(officer, api) -> None:
    api.issue("ho-tich")
    page = officer("quay-1")
    page.keyboard.press("g")
    expect(page.locator("#current-number")).to_have_text("1001")
    code = "HS-" + "1" * 70
    page.fill("#dossier", code)
    page.press("#dossier", "Enter")
    expect(page.locator("#message")).to_have_text(
        "Mã hồ sơ dài 73 ký tự, quá 64 ký tự: chưa lưu. Xin kiểm tra lại.")
    assert page.input_value("#dossier") == code  # kept whole, to be corrected
    page.fill("#dossier", "HS-2026-001")
    page.press("#dossier", "Enter")
    expect(page.locator("#message")).to_have_text("Đã lưu mã hồ sơ cho số 1001.")
