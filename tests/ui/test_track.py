"""The phone page (the ticket's QR code) in a 390x844 Chromium viewport."""

from __future__ import annotations

import pytest

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the 'playwright' package").expect

pytestmark = [pytest.mark.slow, pytest.mark.live]  # the shared api talks to the live server

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


def test_phone_page_updates_live_when_its_ticket_is_called(browser, api) -> None:
    first = api.issue("ho-tich")
    mine = api.issue("ho-tich")
    page = browser.new_context(**PHONE).new_page()
    page.goto(mine["track_url"])
    page.wait_for_selector("body[data-live=online]")
    expect(page.locator("#number")).to_have_text(mine["number"])
    expect(page.locator("#state")).to_have_text("Đang chờ")
    expect(page.locator("#ahead")).to_have_text("Trước bạn còn 1 người")
    expect(page.locator("#estimate")).to_contain_text("Thời gian chờ dự kiến")
    assert first["number"] not in page.locator("body").inner_text()

    api.act_ok("quay-1", "call-next")  # the one ahead is called
    expect(page.locator("#ahead")).to_have_text("Bạn là người tiếp theo")
    expect(page.locator("#estimate")).to_be_hidden()

    api.act_ok("quay-2", "call-next")  # now it is this ticket's turn
    expect(page.locator("#state")).to_have_text("Mời đến quầy số 2")
    expect(page.locator("#ahead")).to_be_hidden()
    assert first["number"] not in page.locator("body").inner_text()

    api.act_ok("quay-2", "finish")
    expect(page.locator("#state")).to_have_text("Đã phục vụ")
    expect(page.locator("#help")).to_have_text("Cảm ơn Quý khách!")


def test_phone_page_in_english(browser, api) -> None:
    ticket = api.issue("dat-dai")
    page = browser.new_context(**PHONE).new_page()
    page.goto(ticket["track_url"] + "?lang=en")
    expect(page.locator("#state")).to_have_text("Waiting")
    expect(page.locator("#ahead")).to_have_text("You are next")
    expect(page.locator("#field")).to_have_text("Land")


def test_phone_page_of_a_transferred_ticket_says_where_it_went(browser, api) -> None:
    to_field = api.issue("ho-tich")
    to_counter = api.issue("ho-tich")
    api.act_ok("quay-1", "call-next")
    api.act_ok("quay-1", "transfer", service_id="dat-dai")  # a field quay-1 does not serve
    api.act_ok("quay-1", "call-next")
    r = api.act("quay-1", "transfer", counter_id="quay-2")
    assert r.status_code == 200, r.text
    page = browser.new_context(**PHONE).new_page()
    page.goto(to_field["track_url"])
    expect(page.locator("#help")).to_have_text("Đã chuyển sang lĩnh vực Đất đai")
    expect(page.locator("#field")).to_have_text("Đất đai")
    page.goto(to_counter["track_url"])
    expect(page.locator("#help")).to_have_text("Đã chuyển sang Quầy 2")


def test_english_counts_say_one_person_not_one_people(browser, api) -> None:
    api.issue("dat-dai")
    mine = api.issue("dat-dai")
    page = browser.new_context(**PHONE).new_page()
    page.goto(mine["track_url"] + "?lang=en")
    expect(page.locator("#ahead")).to_have_text("1 person ahead of you")
    api.issue("dat-dai")
    page.goto(api.issue("dat-dai")["track_url"] + "?lang=en")
    expect(page.locator("#ahead")).to_have_text("3 people ahead of you")


def _counting_fetches(page) -> list[str]:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/api/v1/track/" in r.url else None)
    return fetched


def test_phone_page_is_pushed_through_a_call_a_transfer_and_a_finish(
        browser, start_server, demo_config_text) -> None:
    """Polling only every 120 s here: every change below comes over the event stream."""
    from tests.clients import Api

    server = start_server(demo_config_text.replace("[display]\n",
                                                   "[display]\nphone_refresh_s = 120\n", 1))
    server.add_officer("an", counters="quay-1,quay-2")
    api = Api(server)
    api.login("an")
    mine = api.issue("ho-tich")
    page = browser.new_context(**PHONE).new_page()
    fetched = _counting_fetches(page)
    page.goto(mine["track_url"])
    page.wait_for_selector("body[data-live=online]")
    expect(page.locator("#state")).to_have_text("Đang chờ")

    api.act_ok("quay-1", "call-next")
    expect(page.locator("#state")).to_have_text("Mời đến quầy số 1")
    api.act_ok("quay-1", "transfer", counter_id="quay-2")
    expect(page.locator("#help")).to_have_text("Đã chuyển sang Quầy 2")
    api.act_ok("quay-2", "call-next")
    expect(page.locator("#state")).to_have_text("Mời đến quầy số 2")
    api.act_ok("quay-2", "finish")
    expect(page.locator("#state")).to_have_text("Đã phục vụ")
    assert len(fetched) <= 1 + 4 + 1  # at the start, one per change of this ticket (and slack)


def test_phone_page_falls_back_to_polling_when_its_stream_is_refused(
        browser, start_server, demo_config_text) -> None:
    from tests.clients import Api
    from tests.conftest import open_stream, reset

    server = start_server(demo_config_text.replace(
        "streams_per_address = 8 ", "streams_per_address = 1 "))  # polling every 1 s (tests)
    server.add_officer("an", counters="quay-1,quay-2")
    held, head = open_stream(server.port)  # the browser's address has its one stream already
    assert head.startswith(b"HTTP/1.1 200")
    try:
        api = Api(server)
        api.login("an")
        mine = api.issue("ho-tich")
        page = browser.new_context(**PHONE).new_page()
        fetched = _counting_fetches(page)
        page.goto(mine["track_url"])
        expect(page.locator("#state")).to_have_text("Đang chờ")
        api.act_ok("quay-1", "call-next")
        expect(page.locator("#state")).to_have_text("Mời đến quầy số 1")
        page.wait_for_timeout(2500)
        assert len(fetched) >= 3  # it polls
    finally:
        reset(held)
