"""The phone page (the ticket's QR code) in a 390x844 Chromium viewport."""

from __future__ import annotations

import pytest

from tests.ui.conftest import wait_for_js

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


RECORD_VIBRATIONS = """
window.__vibrated = [];
navigator.vibrate = function (pattern) { window.__vibrated.push(pattern); return true; };
"""
"""Headless Chromium has no vibrator: record the patterns the page asks for."""


def _alerts(page, kind: str | None = None) -> list[dict]:
    """The page's alerts (window.__alerts), of ``kind`` if given."""
    found = page.evaluate("() => window.__alerts || []")
    return [a for a in found if kind is None or a["kind"] == kind]


def _page(launch):
    """A page on a phone that records the vibrations its page asks for."""
    context = launch("user-gesture-required").new_context(**PHONE)
    context.add_init_script(RECORD_VIBRATIONS)
    return context.new_page()


def _phone(launch, api, ahead: int):
    """The phone page (:func:`_page`) of a new ticket with ``ahead`` people before it, live."""
    for _ in range(ahead):
        api.issue("ho-tich")
    mine = api.issue("ho-tich")
    page = _page(launch)
    page.goto(mine["track_url"])
    page.wait_for_selector("body[data-live=online]")
    return page, mine


def test_phone_page_alerts_when_near_and_when_called_and_recalled(launch, api, artifacts) -> None:
    page, mine = _phone(launch, api, 5)
    expect(page.locator("#ahead")).to_have_text("Trước bạn còn 5 người")
    expect(page.locator("#sound-on")).to_have_text("Bật âm báo và rung")
    expect(page.locator("#sound-note")).to_be_hidden()
    expect(page.locator("#keep-open")).to_contain_text("Giữ trang này mở")
    expect(page.locator("#alert")).to_be_hidden()
    assert _alerts(page) == []

    api.act_ok("quay-1", "call-next")
    api.act_ok("quay-1", "call-next")  # 3 ahead: the centre's threshold (demo.toml)
    expect(page.locator("#alert")).to_have_text("Sắp đến lượt bạn: còn 3 người trước bạn")
    assert page.locator("#alert").get_attribute("role") == "alert"
    wait_for_js(page, "(window.__alerts || []).length === 1")
    assert _alerts(page) == [{"kind": "near", "n": 3, "sound": False, "vibrate": True,
                              "initial": False}]  # no tap yet: no sound
    page.screenshot(path=str(artifacts / "phone-alert-near.png"), full_page=True)

    page.click("#sound-on")  # the tap unlocks sound: a test beep, then the button goes
    wait_for_js(page, "(window.__alerts || []).some(a => a.kind === 'test')")
    assert _alerts(page, "test")[0]["sound"] is True
    expect(page.locator("#sound-on")).to_be_hidden()

    api.act_ok("quay-1", "call-next")  # 2 ahead: still near, not alerted again
    expect(page.locator("#ahead")).to_have_text("Trước bạn còn 2 người")
    expect(page.locator("#alert")).to_have_text("Sắp đến lượt bạn: còn 2 người trước bạn")
    api.act_ok("quay-1", "call-next")
    api.act_ok("quay-1", "call-next")
    expect(page.locator("#alert")).to_have_text("Sắp đến lượt bạn: bạn là người tiếp theo")
    assert len(_alerts(page, "near")) == 1

    api.act_ok("quay-2", "call-next")  # this ticket, at counter 2
    expect(page.locator("#alert")).to_have_text("Đến lượt bạn! Mời đến quầy số 2")
    expect(page.locator("#alert")).to_have_class("track-alert alert-called")
    wait_for_js(page, "window.__alerts.filter(a => a.kind === 'called').length === 1")
    assert _alerts(page, "called") == [{"kind": "called", "n": 2, "sound": True, "vibrate": True,
                                        "initial": False}]
    page.screenshot(path=str(artifacts / "phone-alert-called.png"), full_page=True)

    api.act_ok("quay-2", "recall")  # each recall alerts again
    wait_for_js(page, "window.__alerts.filter(a => a.kind === 'called').length === 2")
    assert _alerts(page, "called")[1] == {"kind": "called", "n": 2, "sound": True, "vibrate": True,
                                          "initial": False}
    vibrated = page.evaluate("() => window.__vibrated")
    assert [400, 150, 400, 150, 400] in vibrated and [200, 100, 200] in vibrated

    page.reload()  # the same events do not alert again
    page.wait_for_selector("body[data-live=online]")
    expect(page.locator("#alert")).to_have_text("Đến lượt bạn! Mời đến quầy số 2")
    page.wait_for_timeout(1500)
    assert _alerts(page) == []

    again = page.context.new_page()  # opened again in a new tab: its session alerts afresh
    again.goto(mine["track_url"])
    again.wait_for_selector("body[data-live=online]")
    expect(again.locator("#alert")).to_have_text("Đến lượt bạn! Mời đến quầy số 2")
    assert _alerts(again) == [{"kind": "called", "n": 2, "sound": False, "vibrate": False,
                               "initial": True}]  # shown, not beeped: it was called before
    # Sound was turned on (localStorage), and headless Chromium never holds Web Audio back, so
    # it plays without a tap; a phone that holds it back shows the button again with #sound-note.
    expect(again.locator("#sound-on")).to_be_hidden()
    api.act_ok("quay-2", "recall")
    wait_for_js(again, "window.__alerts.length === 2")
    assert _alerts(again)[1] == {"kind": "called", "n": 2, "sound": True, "vibrate": True,
                                 "initial": False}


def test_phone_page_opened_on_a_called_ticket_shows_it_without_a_beep_in_english(
        launch, api) -> None:
    mine = api.issue("ho-tich")
    api.act_ok("quay-1", "call-next")
    page = _page(launch)
    page.goto(mine["track_url"] + "?lang=en")  # opened when it is called already
    page.wait_for_selector("body[data-live=online]")
    expect(page.locator("#alert")).to_have_text("Your turn! Please go to counter 1")
    expect(page.locator("#sound-on")).to_have_text("Turn on sound and vibration")
    expect(page.locator("#keep-open")).to_contain_text("Keep this page open")
    assert _alerts(page) == [{"kind": "called", "n": 1, "sound": False, "vibrate": False,
                              "initial": True}]
    assert page.evaluate("() => window.__vibrated") == []

    page.click("#sound-on")
    wait_for_js(page, "window.__alerts.some(a => a.kind === 'test')")
    api.act_ok("quay-1", "recall")  # a recall beeps
    wait_for_js(page, "window.__alerts.filter(a => a.kind === 'called').length === 2")
    assert _alerts(page, "called")[1]["sound"] is True

    near = api.issue("ho-tich")
    api.issue("ho-tich")
    page.goto(api.issue("ho-tich")["track_url"] + "?lang=en")  # 2 ahead (near) on opening
    expect(page.locator("#alert")).to_have_text("Almost your turn: 2 people ahead of you")
    assert _alerts(page) == [{"kind": "near", "n": 2, "sound": False, "vibrate": False,
                              "initial": True}]
    api.act_ok("quay-1", "call-next")  # the first of them is called: 1 ahead
    expect(page.locator("#alert")).to_have_text("Almost your turn: 1 person ahead of you")
    assert near["number"] not in page.locator("#alert").inner_text()
    assert len(_alerts(page)) == 1


def test_no_near_alert_when_the_centre_turns_it_off(launch, start_server, demo_config_text) -> None:
    from tests.clients import Api
    server = start_server(demo_config_text.replace("phone_alert_ahead = 3 ", "phone_alert_ahead = 0 "))
    server.add_officer("an", counters="quay-1,quay-2")
    api = Api(server)
    api.login("an")
    page, _ = _phone(launch, api, 1)
    expect(page.locator("#ahead")).to_have_text("Trước bạn còn 1 người")
    api.act_ok("quay-1", "call-next")
    expect(page.locator("#ahead")).to_have_text("Bạn là người tiếp theo")
    expect(page.locator("#alert")).to_be_hidden()
    api.act_ok("quay-2", "call-next")  # a call still alerts
    expect(page.locator("#alert")).to_have_text("Đến lượt bạn! Mời đến quầy số 2")
    wait_for_js(page, "(window.__alerts || []).length === 1")
    assert [a["kind"] for a in _alerts(page)] == ["called"]
