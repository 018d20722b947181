"""Admin helpers without a server: masking, periods, notices, event wording, cell formats."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from display_server.api.admin import today_totals
from display_server.app import create_app
from display_server.pages.admin.config import changed_sections, mask_secrets
from display_server.pages.admin.period import choose, preset_range, trend_unit
from display_server.pages.admin.reports import cell
from motcua.core.queue import TicketCounts


@pytest.mark.parametrize(("line", "expected"), [
    ('token = "abcdefghijklmnop"', 'token = "••••••"'),
    ("  token='abc def'  # note", "  token='••••••'  # note"),
    ('{ id = "k", token = "x\\"y", kind = "kiosk" }', '{ id = "k", token = "••••••", kind = "kiosk" }'),
    ("secret_key = 1234abcd", "secret_key = ••••••"),
    ('admin_pin = "1234"', 'admin_pin = "••••••"'),
    ('url = "postgresql://motcua:pa55@db/motcua"', 'url = "postgresql://motcua:••••••@db/motcua"'),
    ('url = "postgresql://motcua@db/motcua"', 'url = "postgresql://motcua@db/motcua"'),
    ('name = "token bucket"', 'name = "token bucket"'),
    ('tokens_note = "x"', 'tokens_note = "x"'),
])
def test_mask_secrets(line: str, expected: str) -> None:
    assert mask_secrets(line) == expected


@pytest.mark.parametrize(("preset", "today", "expected"), [
    ("today", date(2026, 11, 25), (date(2026, 11, 25), date(2026, 11, 25))),
    ("this_month", date(2026, 11, 25), (date(2026, 11, 1), date(2026, 11, 25))),
    ("last_month", date(2026, 1, 10), (date(2025, 12, 1), date(2025, 12, 31))),
    ("last_month", date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),
    ("this_quarter", date(2026, 11, 25), (date(2026, 10, 1), date(2026, 11, 25))),
    ("this_quarter", date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
    ("this_year", date(2026, 11, 25), (date(2026, 1, 1), date(2026, 11, 25))),
])
def test_presets(preset: str, today: date, expected: tuple[date, date]) -> None:
    assert preset_range(preset, today) == expected


def test_choose_reads_the_query() -> None:
    today = date(2026, 11, 25)
    dims = ("officer", "counter", "month")
    c = choose({}, today, dims, ("officer",))
    assert (c.preset, c.start, c.end, c.group_by) == ("this_month", "2026-11-01", "2026-11-25", ("officer",))
    c = choose({"from": "2026-10-03", "to": "2026-10-09", "by": "counter,month,bogus"}, today, dims, ())
    assert (c.preset, c.start, c.end, c.group_by) == ("", "2026-10-03", "2026-10-09", ("counter", "month"))
    assert c.query() == {"from": "2026-10-03", "to": "2026-10-09", "by": "counter,month"}
    c = choose({"preset": "today", "from": "2020-01-01", "by": ""}, today, dims, ("officer",))
    assert (c.start, c.end, c.group_by) == ("2026-11-25", "2026-11-25", ())
    assert trend_unit(date(2026, 1, 1), date(2026, 3, 3)) == "day"
    assert trend_unit(date(2026, 1, 1), date(2026, 3, 4)) == "month"


@pytest.mark.parametrize(("value", "kind", "text"), [
    (1234567, "int", "1.234.567"), (99.905, "percent", "99,91"), (66.67, "percent", "66,67"),
    (None, "percent", "–"), (12.25, "minutes", "12,2"), (None, "text", ""),
    (datetime(2026, 11, 25, 9, 5), "datetime", "25/11/2026 09:05"), ("Quầy 1", "text", "Quầy 1"),
])
def test_report_cells(value, kind: str, text: str) -> None:
    assert cell(value, kind) == text


def test_today_totals() -> None:
    assert today_totals(TicketCounts(waiting=2, transferred=1, called=1, done=5, skipped=1,
                                     expired=3)) == {"issued": 13, "served": 5, "skipped": 1, "waiting": 3,
                                             "at_counter": 1, "expired": 3}


def test_changed_sections(make_config) -> None:
    a = make_config()
    b = make_config(queue={"target_wait_minutes": 30}, display={"recent_calls": 9})
    assert changed_sections(a, a) == []
    assert changed_sections(a, b) == ["queue", "display"]


def test_event_wording_in_both_languages(config) -> None:
    from display_server.pages.admin.audit import describe

    app = create_app(config)
    cases = {
        ("ticket.called", "vi"): "Gọi số 1001 đến quầy 1",
        ("ticket.called", "en"): "Called 1001 to counter 1",
        ("service.closed", "vi"): "Ngừng nhận số lĩnh vực Tư pháp - Hộ tịch đến hết ngày",
        ("service.closed", "en"): "Field Justice - Civil status closed for the rest of the day",
        ("day.reset", "vi"): "Bắt đầu lại ngày 25/11/2026: hủy 4 số đang chờ, đánh số lại từ đầu",
        ("rating.recorded", "vi"): "Không hài lòng tại quầy 1 (số 1001)",
        ("unknown.kind", "vi"): '{"x": 1}',
    }
    data = {"number": "1001", "counter_id": "quay-1", "counter_number": 1, "service_id": "ho-tich",
            "day": "2026-11-25", "manual": True, "expired": 4, "level": "dissatisfied"}
    for (kind, lang), text in cases.items():
        with app.test_request_context(f"/admin/audit?lang={lang}"):
            got = describe(kind, {"x": 1} if kind == "unknown.kind" else data)
            assert got == text, (kind, lang)


def test_who_did_it_in_both_languages(config) -> None:
    from display_server.pages.admin.audit import kind_label, who

    app = create_app(config)
    with app.test_request_context("/admin/audit?lang=en"):
        assert who("system", {}) == "System"
        assert who("officer:an", {"an": "Nguyễn Văn An"}) == "Nguyễn Văn An (an)"
        assert kind_label("account.password_reset") == "Password reset" and kind_label("x.y") == "x.y"
    with app.test_request_context("/admin/audit?lang=vi"):
        assert who("system", {}) == "Hệ thống"
        assert kind_label("ticket.recalled") == "Gọi lại"
