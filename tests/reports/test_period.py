"""Dates, ranges and local-time boundaries."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.core.reports import MAX_DAYS, ReportError, parse_period
from motcua.core.reports.groups import parse_group_by, period_keys, period_ranges
from motcua.core.reports.period import offset_segments


def test_parse_period_and_label() -> None:
    p = parse_period("2026-11-01", "2026-11-30")
    assert (p.start, p.end, p.days) == (date(2026, 11, 1), date(2026, 11, 30), 30)
    assert p.label() == "từ 01/11/2026 đến 30/11/2026"
    assert parse_period("2026-11-05", "2026-11-05").label() == "ngày 05/11/2026"


@pytest.mark.parametrize(("start", "end", "code", "words"), [
    ("2026-11-30", "2026-11-01", "bad_range", "sau ngày kết thúc"),
    ("2026-13-01", "2026-12-31", "bad_date", "không hợp lệ"),
    ("01/11/2026", "2026-11-30", "bad_date", "YYYY-MM-DD"),
    (None, "2026-11-30", "missing_date", "Thiếu ngày"),
    ("2026-11-01", "", "missing_date", "Thiếu ngày"),
    ("2020-01-01", "2026-11-30", "range_too_long", "quá dài"),
])
def test_bad_periods_have_vietnamese_messages(start, end, code, words) -> None:
    with pytest.raises(ReportError) as err:
        parse_period(start, end)
    assert err.value.code == code and words in err.value.message


def test_longest_range_is_allowed() -> None:
    start = date(2022, 1, 1)
    assert parse_period(start, date.fromordinal(start.toordinal() + MAX_DAYS - 1)).days == MAX_DAYS


def test_utc_bounds_are_local_midnights() -> None:
    lo, hi = parse_period("2026-12-01", "2026-12-01").utc_bounds(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (lo, hi) == (datetime(2026, 11, 30, 17), datetime(2026, 12, 1, 17))


def test_offset_segments_find_daylight_saving_transitions() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    segs = offset_segments(berlin, datetime(2026, 1, 1), datetime(2027, 1, 1))
    assert segs == [(datetime(2026, 1, 1), 3600), (datetime(2026, 3, 29, 1), 7200),
                    (datetime(2026, 10, 25, 1), 3600)]
    vn = offset_segments(ZoneInfo("Asia/Ho_Chi_Minh"), datetime(2026, 1, 1), datetime(2027, 1, 1))
    assert vn == [(datetime(2026, 1, 1), 25200)]


def test_month_and_quarter_ranges_are_cut_to_the_period() -> None:
    p = parse_period("2026-09-15", "2027-01-10")
    assert period_keys("month", p) == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]
    assert period_ranges("quarter", p) == [
        ("2026-Q3", date(2026, 9, 15), date(2026, 9, 30)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2027-Q1", date(2027, 1, 1), date(2027, 1, 10))]
    assert len(period_keys("day", p)) == p.days


@pytest.mark.parametrize("value", ["bogus", "officer,officer", "officer,counter,service", "day,month",
                                   "hour,day"])
def test_bad_group_by(value) -> None:
    allowed = ("officer", "counter", "service", "day", "month", "quarter", "hour")
    with pytest.raises(ReportError) as err:
        parse_group_by(value, allowed)
    assert err.value.code == "bad_group_by"


def test_group_by_forms() -> None:
    allowed = ("officer", "month")
    assert parse_group_by(None, allowed) == ()
    assert parse_group_by("", allowed) == ()
    assert parse_group_by("none", allowed) == ()
    assert parse_group_by(" Officer , month ", allowed) == ("officer", "month")
    assert parse_group_by(["month"], allowed) == ("month",)
