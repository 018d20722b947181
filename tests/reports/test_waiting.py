"""Waiting and service figures against a hand-computed day."""

from __future__ import annotations

import pytest

from motcua.core.reports import ReportError, waiting_report

from .conftest import L


@pytest.fixture
def day(seed) -> dict[str, int]:
    """Eight tickets of 10 November 2026 (target wait in the demo config: 20 min)."""
    an, binh = seed.officer("an", "Nguyễn Văn An"), seed.officer("binh", "Trần Thị Bình")
    d = lambda h, m: L(2026, 11, 10, h, m)  # noqa: E731
    ids = {}
    # Hộ tịch at quầy 1: waits 3, 10, 17 and 30 min; services 5, 4 and 10 min.
    ids["t1"] = seed.ticket(d(7, 10), called=d(7, 13), finished=d(7, 18), officer=an)
    ids["t2"] = seed.ticket(d(7, 20), called=d(7, 30), finished=d(7, 34), officer=an)
    ids["t3"] = seed.ticket(d(8, 5), called=d(8, 22), finished=d(8, 32), officer=an)
    ids["t4"] = seed.ticket(d(8, 10), called=d(8, 40), finished=d(8, 42), state="expired",
                            officer=an)  # a no-show: skipped, never came back
    ids["t5"] = seed.ticket(d(8, 15), state="expired", counter=None)  # left before being called
    # Đất đai at quầy 3: waits 10, 45 and 45 min; services 20 and 15 min.
    ids["t6"] = seed.ticket(d(6, 50), "dat-dai", called=d(7, 0), finished=d(7, 20), counter="quay-3",
                            officer=binh)  # 06:50 local is 23:50 UTC the day before
    ids["t7"] = seed.ticket(d(9, 0), "dat-dai", called=d(9, 45), finished=d(10, 0), counter="quay-3",
                            officer=binh)
    ids["t8"] = seed.ticket(d(9, 5), "dat-dai", called=d(9, 50), counter="quay-3", officer=binh)
    # t8: closed by the night's day reset, so it has no finish time
    return ids


def test_totals_by_hand(rdb, config, day) -> None:
    r = waiting_report(rdb, config, "2026-11-10", "2026-11-10")
    t = r.total
    assert (t.tickets, t.called, t.served, t.no_show) == (8, 7, 6, 1)
    assert t.no_show_rate == 14.29  # 1 / 7
    # waits 180, 600, 600, 1020, 1800, 2700, 2700 s
    assert (t.wait.count, t.wait.mean, t.wait.median, t.wait.p90) == (7, 1371.43, 1020.0, 2700.0)
    assert (t.within_target, t.within_target_rate) == (4, 57.14)  # <= 20 min
    # services 240, 300, 600, 900, 1200 s: p90 at h = 3.6 -> 900 + 0.6 * 300
    assert (t.service.count, t.service.mean, t.service.median, t.service.p90) == (5, 648.0, 600.0, 1080.0)
    assert r.target_wait_minutes == 20


def test_by_service(rdb, config, day) -> None:
    r = waiting_report(rdb, config, "2026-11-10", "2026-11-10", "service")
    rows = {row.group[0].id: row for row in r.rows}
    assert list(rows) == ["ho-tich", "chung-thuc", "dat-dai", "kinh-doanh", "van-hoa-xa-hoi", "tra-ket-qua"]
    ht = rows["ho-tich"]
    assert (ht.tickets, ht.called, ht.served, ht.no_show, ht.no_show_rate) == (5, 4, 3, 1, 25.0)
    assert (ht.wait.mean, ht.wait.median, ht.wait.p90) == (900.0, 810.0, 1566.0)
    assert (ht.service.mean, ht.service.median, ht.service.p90) == (380.0, 300.0, 540.0)
    assert ht.within_target_rate == 75.0
    dd = rows["dat-dai"]
    assert (dd.tickets, dd.called, dd.served, dd.no_show_rate) == (3, 3, 3, 0.0)
    assert (dd.wait.mean, dd.wait.median, dd.wait.p90) == (2000.0, 2700.0, 2700.0)
    s = dd.service
    assert (s.count, s.mean, s.median, s.p90) == (2, 1050.0, 1050.0, 1170.0)
    assert dd.within_target_rate == 33.33
    empty = rows["kinh-doanh"]
    assert (empty.tickets, empty.no_show_rate, empty.wait.median, empty.within_target_rate) == (
        0, None, None, None)


def test_by_local_hour_of_issue(rdb, config, day) -> None:
    r = waiting_report(rdb, config, "2026-11-10", "2026-11-10", "hour")
    assert [(row.group[0].id, row.group[0].name, row.tickets) for row in r.rows] == [
        (6, "06:00-07:00", 1), (7, "07:00-08:00", 2), (8, "08:00-09:00", 3), (9, "09:00-10:00", 2)]
    assert r.rows[2].wait.median == 1410.0  # 1020 and 1800 s


def test_by_counter_and_officer(rdb, config, day) -> None:
    counters = waiting_report(rdb, config, "2026-11-10", "2026-11-10", "counter")
    assert [(row.group[0].name, row.tickets, row.called) for row in counters.rows] == [
        ("Quầy 1", 4, 4), ("Quầy 2", 0, 0), ("Quầy 3", 3, 3), ("Quầy 4", 0, 0), ("Quầy 5", 0, 0),
        ("Chưa được gọi", 1, 0)]
    officers = waiting_report(rdb, config, "2026-11-10", "2026-11-10", "officer")
    assert [(row.group[0].name, row.tickets, row.served) for row in officers.rows] == [
        ("Nguyễn Văn An", 4, 3), ("Trần Thị Bình", 3, 3), ("Chưa được gọi", 1, 0)]


def test_empty_period(rdb, config) -> None:
    r = waiting_report(rdb, config, "2026-11-01", "2026-11-30", "day")
    assert len(r.rows) == 30 and all(row.tickets == 0 for row in r.rows)
    t = r.total
    assert (t.tickets, t.no_show_rate, t.wait.mean, t.service.p90, t.within_target_rate) == (
        0, None, None, None, None)


def test_days_months_and_quarters_use_the_local_service_day(rdb, config, seed) -> None:
    seed.ticket(L(2026, 9, 30, 16), called=L(2026, 9, 30, 16, 10), finished=L(2026, 9, 30, 16, 20))
    seed.ticket(L(2026, 10, 1, 6, 45), called=L(2026, 10, 1, 7, 5), finished=L(2026, 10, 1, 7, 10))
    seed.ticket(L(2026, 10, 2, 8), called=L(2026, 10, 2, 8, 30), finished=L(2026, 10, 2, 8, 31))
    by_day = waiting_report(rdb, config, "2026-09-30", "2026-10-02", "day")
    assert [(row.group[0].id, row.wait.mean) for row in by_day.rows] == [
        ("2026-09-30", 600.0), ("2026-10-01", 1200.0), ("2026-10-02", 1800.0)]
    by_month = waiting_report(rdb, config, "2026-09-30", "2026-10-02", "month")
    assert [(row.group[0].name, row.tickets, row.wait.median) for row in by_month.rows] == [
        ("09/2026", 1, 600.0), ("10/2026", 2, 1500.0)]
    by_quarter = waiting_report(rdb, config, "2026-09-01", "2026-12-31", "quarter,service")
    q = [(row.group[0].id, row.group[1].id, row.tickets) for row in by_quarter.rows if row.tickets]
    assert q == [("2026-Q3", "ho-tich", 1), ("2026-Q4", "ho-tich", 2)]
    assert len(by_quarter.rows) == 2 * len(config.fields)


def test_no_show_through_the_engine(engine, clock, rdb, config) -> None:
    if rdb is not engine.db:
        pytest.skip("the engine fixture runs on SQLite")
    engine.issue("dat-dai")
    served, _ = engine.issue("dat-dai")
    engine.call_next("quay-3")
    clock.advance(minutes=1)
    engine.recall("quay-3")
    engine.skip("quay-3")  # no-show
    clock.advance(minutes=2)
    engine.call_next("quay-3")
    clock.advance(minutes=7)
    engine.finish("quay-3")
    clock.advance(days=1)
    engine.issue("dat-dai")  # the day rolls: the skipped ticket expires
    r = waiting_report(rdb, config, "2026-11-25", "2026-11-25")
    t = r.total
    assert (t.tickets, t.called, t.served, t.no_show, t.no_show_rate) == (2, 2, 1, 1, 50.0)
    assert t.wait.count == 2 and t.wait.median == 90.0  # 0 and 3 min
    assert (t.service.count, t.service.mean) == (1, 420.0)


def test_bad_grouping(rdb, config) -> None:
    with pytest.raises(ReportError):
        waiting_report(rdb, config, "2026-11-01", "2026-11-30", "level")


def test_hour_of_issue_across_daylight_saving_time(rdb, make_config, seed) -> None:
    from zoneinfo import ZoneInfo

    cfg = make_config(centre={"name": "Bürgeramt", "timezone": "Europe/Berlin"})
    berlin = ZoneInfo("Europe/Berlin")
    for month in (3, 4):  # 09:30 local is 08:30 UTC in March, 07:30 UTC in April
        issued = L(2026, month, 20, 9, 30).replace(tzinfo=berlin)
        seed.ticket(issued, called=issued.replace(minute=40), finished=issued.replace(minute=45))
    r = waiting_report(rdb, cfg, "2026-03-01", "2026-04-30", "hour")
    assert [(row.group[0].id, row.tickets) for row in r.rows] == [(9, 2)]
    assert r.total.wait.median == 600.0


def test_by_channel_tells_kiosk_phone_and_appointment_tickets_apart(rdb, config, seed) -> None:
    d = lambda h, m: L(2026, 11, 12, h, m)  # noqa: E731
    seed.ticket(d(8, 0), called=d(8, 10), finished=d(8, 15))
    seed.ticket(d(8, 1), called=d(8, 31), finished=d(8, 40), channel="remote")
    seed.ticket(d(8, 2), state="expired", counter=None, channel="remote")
    r = waiting_report(rdb, config, "2026-11-12", "2026-11-12", group_by="channel,service")
    rows = {(row.group[0].name, row.group[1].id): (row.tickets, row.called, row.wait.mean)
            for row in r.rows if row.tickets}
    assert rows == {("Máy lấy số", "ho-tich"): (1, 1, 600),
                    ("Điện thoại (lấy số từ xa)", "ho-tich"): (2, 1, 1800)}
    assert [row.group[0].id for row in r.rows][::len(config.fields)] == [
        "kiosk", "remote", "appointment"]  # every channel listed, in this order
    assert r.as_dict()["group_by"] == ["channel", "service"]
