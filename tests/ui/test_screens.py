"""The counter screen, and screenshots of every page for people to look at (test-artifacts/)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import wait_for_js

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the 'playwright' package").expect

pytestmark = [pytest.mark.slow, pytest.mark.live]  # the shared api talks to the live server


def test_counter_screen_follows_its_counter(browser, api, live_server) -> None:
    page = browser.new_context(viewport={"width": 1024, "height": 600}).new_page()
    page.goto(live_server.url + "/display/counter/quay-3")
    page.wait_for_selector("body[data-live=online]")
    expect(page.locator(".cs-head")).to_have_text("Quầy 3")
    expect(page.locator("#cs-number")).to_have_text("Quầy chưa mở")
    api.issue("dat-dai")
    api.act_ok("quay-3", "call-next", as_="admin")
    expect(page.locator("#cs-number")).to_have_text("3001")
    expect(page.locator("#cs-label")).to_have_text("Đang phục vụ số")
    api.act_ok("quay-3", "pause", as_="admin", reason="Hỗ trợ nghiệp vụ")
    expect(page.locator("#cs-number")).to_have_text("Tạm dừng")
    expect(page.locator("#cs-reason")).to_have_text("Hỗ trợ nghiệp vụ")


DROP_LATER_SNAPSHOTS = """
// Keep a page's first snapshot (its opening) and drop the display snapshots that follow events,
// so what the page shows of a call comes from the event alone.
const add = EventSource.prototype.addEventListener;
EventSource.prototype.addEventListener = function (type, fn, opts) {
  if (type === "snapshot") {
    let seen = 0;
    const inner = fn;
    fn = function (e) { if (seen++ === 0) inner.call(this, e); window.__dropped = seen - 1; };
  }
  return add.call(this, type, fn, opts);
};
"""


def test_screens_show_a_call_from_its_event_before_the_display_follows(browser, api,
                                                                       live_server) -> None:
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    ctx.add_init_script(DROP_LATER_SNAPSHOTS)
    hall, counter = ctx.new_page(), ctx.new_page()
    hall.goto(live_server.url + "/display")
    counter.goto(live_server.url + "/display/counter/quay-3")
    for page in (hall, counter):
        page.wait_for_selector("body[data-live=online]")
    api.issue("dat-dai")
    api.act_ok("quay-3", "call-next", as_="admin")
    expect(hall.locator("#call-number")).to_have_text("3001")
    expect(hall.locator(".tile[data-counter=quay-3] .tile-number")).to_have_text("3001")
    expect(counter.locator("#cs-number")).to_have_text("3001")
    expect(counter.locator("#cs-label")).to_have_text("Đang phục vụ số")
    api.act_ok("quay-3", "finish", as_="admin")
    expect(counter.locator("#cs-number")).to_have_text("Chưa gọi số")
    for page in (hall, counter):  # the displays did come, and were dropped
        wait_for_js(page, "window.__dropped >= 1")
    ctx.close()


def test_screenshots(browser, api, live_server, officer, artifacts) -> None:
    """Saves the pages as a person sees them; the assertions only check nothing is cut off."""
    tickets = [api.issue(f) for f in ("ho-tich", "ho-tich", "chung-thuc", "dat-dai", "kinh-doanh",
                                      "van-hoa-xa-hoi", "tra-ket-qua", "ho-tich", "chung-thuc")]
    api.act_ok("quay-3", "call-next", as_="admin")
    api.act_ok("quay-5", "call-next", as_="admin")
    api.act_ok("quay-4", "sign-in", as_="admin")
    api.act_ok("quay-4", "pause", as_="admin", reason="Đi họp")
    work = officer("quay-1")
    work.keyboard.press("g")
    expect(work.locator("#current-number")).to_have_text("1002")  # quay-5 took 1001
    api.act_ok("quay-2", "call-next")

    hall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    hall.goto(live_server.url + "/display")
    hall.wait_for_selector("body[data-live=online]")
    expect(hall.locator(".tile")).to_have_count(5)
    hall.wait_for_timeout(300)
    hall.screenshot(path=str(artifacts / "hall-1920x1080.png"))
    overflow = hall.evaluate("""() => [...document.querySelectorAll('.num, .tile-label, .call-label')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline')
        .map(e => e.textContent)""")
    assert overflow == [], f"clipped on the hall screen: {overflow}"
    assert hall.locator(".recent-row").count() >= 3
    assert hall.evaluate("document.documentElement.scrollHeight") <= 1080

    screen = browser.new_context(viewport={"width": 1024, "height": 600}).new_page()
    screen.goto(live_server.url + "/display/counter/quay-1")
    expect(screen.locator("#cs-number")).to_have_text("1002")
    screen.screenshot(path=str(artifacts / "counter-screen-1024x600.png"))

    work.wait_for_timeout(300)
    work.screenshot(path=str(artifacts / "officer-1366x768.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                is_mobile=True, has_touch=True).new_page()
    phone.goto(tickets[-2]["track_url"])
    expect(phone.locator("#ahead")).to_be_visible()
    phone.screenshot(path=str(artifacts / "phone-390x844.png"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_hall_fits_many_counters_and_long_numbers(browser, api, live_server, artifacts) -> None:
    """24 counters and five-character numbers (prefix + 4 digits) still fit, nothing clipped."""
    live_server.stop()
    text = live_server.config_path.read_text(encoding="utf-8")
    text = text.replace('numbering = { range = "6001-6999" }', 'numbering = { prefix = "KQ", width = 3 }')
    text += "".join(f'\n[[counters]]\nid = "quay-{n}"\nnumber = {n}\nfields = ["tra-ket-qua"]\n'
                    for n in range(6, 25))
    live_server.config_path.write_text(text, encoding="utf-8")
    live_server.start()
    for n in range(5, 25):
        api.issue("tra-ket-qua")
        api.act_ok(f"quay-{n}", "call-next", as_="admin")
    api.act_ok("quay-7", "pause", as_="admin", reason="Hỗ trợ nghiệp vụ cho bộ phận khác trong cơ quan")

    hall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    hall.goto(live_server.url + "/display")
    hall.wait_for_selector("body[data-live=online]")
    expect(hall.locator(".tile")).to_have_count(20)
    expect(hall.locator("#call-number")).to_have_text("KQ020")
    hall.screenshot(path=str(artifacts / "hall-24-counters.png"))
    clipped = hall.evaluate("""() => [...document.querySelectorAll('.tile-number, .tile-label, .call-number')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
    assert clipped == []
    cut = hall.evaluate("""() => [...document.querySelectorAll('.tile')].filter(t => {
        const cs = getComputedStyle(t);
        const room = t.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
        return [...t.children].reduce((h, c) => h + c.offsetHeight, 0) > room + 1;
    }).map(t => t.textContent)""")
    assert cut == [], f"tiles too small for their text: {cut}"
    tiles_inside = hall.evaluate("""() => {
        const grid = document.getElementById('counters').getBoundingClientRect();
        return [...document.querySelectorAll('.tile')]
            .every(t => t.getBoundingClientRect().bottom <= grid.bottom + 1);
    }""")
    assert tiles_inside, "some counters fall outside the screen"
