"""Satisfaction figures against hand-computed fixtures."""

from __future__ import annotations

import uuid

import pytest

from motcua.core.reports import ReportError, satisfaction_report

from .conftest import L


def levels(row) -> dict[str, tuple[int, float | None]]:
    return {lv.id: (lv.count, lv.percent) for lv in row.levels}


def test_empty_period_gives_zeros_and_null_score(rdb, config) -> None:
    r = satisfaction_report(rdb, config, "2026-11-01", "2026-11-30")
    assert r.rows == [] and r.total.total == 0 and r.total.score is None
    assert levels(r.total) == {"very_satisfied": (0, None), "satisfied": (0, None),
                               "dissatisfied": (0, None)}
    by_counter = satisfaction_report(rdb, config, "2026-11-01", "2026-11-30", "counter")
    assert [row.group[0].id for row in by_counter.rows] == ["quay-1", "quay-2", "quay-3", "quay-4", "quay-5"]
    assert all(row.total == 0 and row.score is None for row in by_counter.rows)


def test_one_vote(rdb, config, seed) -> None:
    seed.rating(L(2026, 11, 10), "dissatisfied")
    r = satisfaction_report(rdb, config, "2026-11-01", "2026-11-30")
    assert r.total.total == 1 and r.total.dissatisfied == 1 and r.total.score == 0.0
    assert levels(r.total)["dissatisfied"] == (1, 100.0)
    assert levels(r.total)["very_satisfied"] == (0, 0.0)


def test_ties_round_each_level_from_counts(rdb, config, seed) -> None:
    seed.votes(L(2026, 11, 10), very_satisfied=2, satisfied=2, dissatisfied=2)
    total = satisfaction_report(rdb, config, "2026-11-10", "2026-11-10").total
    assert levels(total) == {"very_satisfied": (2, 33.33), "satisfied": (2, 33.33),
                             "dissatisfied": (2, 33.33)}
    assert total.score == 66.67  # (6 - 2) / 6


def test_decision_766_score_by_hand(rdb, config, seed) -> None:
    # 2,309 satisfied-or-better and 2 dissatisfied of 2,311: (2311 - 2) / 2311 = 99.913...%
    seed.votes(L(2026, 11, 3), very_satisfied=9, satisfied=300, dissatisfied=2)
    seed.votes(L(2026, 11, 4), very_satisfied=2000)
    total = satisfaction_report(rdb, config, "2026-11-01", "2026-11-30").total
    assert total.total == 2311 and total.score == 99.91
    assert levels(total)["dissatisfied"] == (2, 0.09)
    assert levels(total)["very_satisfied"] == (2009, 86.93)  # 86.932...


def test_four_levels_with_binh_thuong(rdb, make_config, seed) -> None:
    cfg = make_config(ratings={"include_neutral": True})
    seed.votes(L(2026, 11, 12), very_satisfied=5, satisfied=2, neutral=2, dissatisfied=1)
    r = satisfaction_report(rdb, cfg, "2026-11-01", "2026-11-30")
    assert [(lv.id, lv.name) for lv in r.levels] == [
        ("very_satisfied", "Rất hài lòng"), ("satisfied", "Hài lòng"), ("neutral", "Bình thường"),
        ("dissatisfied", "Không hài lòng")]
    assert [(lv.count, lv.percent) for lv in r.total.levels] == [(5, 50.0), (2, 20.0), (2, 20.0),
                                                                (1, 10.0)]
    assert r.total.score == 90.0  # Bình thường is not "Không hài lòng"


def test_local_day_boundaries(rdb, config, seed) -> None:
    seed.rating(L(2026, 11, 30, 23, 30), "satisfied")  # 16:30 UTC on the 30th
    seed.rating(L(2026, 12, 1, 0, 30), "dissatisfied")  # 17:30 UTC on 30 November
    seed.rating(L(2026, 12, 1, 6, 30), "very_satisfied")  # 23:30 UTC on 30 November
    seed.rating(L(2026, 12, 1, 23, 59, 59), "very_satisfied")
    seed.rating(L(2026, 12, 2, 0, 0), "satisfied")
    nov = satisfaction_report(rdb, config, "2026-11-01", "2026-11-30")
    assert nov.total.total == 1 and levels(nov.total)["satisfied"][0] == 1
    first = satisfaction_report(rdb, config, "2026-12-01", "2026-12-01")
    assert first.total.total == 3 and first.total.dissatisfied == 1
    by_day = satisfaction_report(rdb, config, "2026-11-30", "2026-12-02", "day")
    assert [(row.group[0].id, row.group[0].name, row.total) for row in by_day.rows] == [
        ("2026-11-30", "30/11/2026", 1), ("2026-12-01", "01/12/2026", 3), ("2026-12-02", "02/12/2026", 1)]


def test_month_and_quarter_grouping(rdb, config, seed) -> None:
    seed.votes(L(2026, 9, 14), very_satisfied=4)  # before the period
    seed.votes(L(2026, 9, 20), satisfied=1, dissatisfied=1)
    seed.votes(L(2026, 10, 1, 0, 10), very_satisfied=3)
    seed.votes(L(2026, 12, 31, 23, 50), dissatisfied=1, very_satisfied=1)
    seed.votes(L(2027, 1, 1, 0, 5), satisfied=2)  # after the period
    months = satisfaction_report(rdb, config, "2026-09-15", "2026-12-31", "month")
    assert [(row.group[0].name, row.total, row.score) for row in months.rows] == [
        ("09/2026", 2, 50.0), ("10/2026", 3, 100.0), ("11/2026", 0, None), ("12/2026", 2, 50.0)]
    quarters = satisfaction_report(rdb, config, "2026-09-15", "2026-12-31", "quarter")
    assert [(row.group[0].id, row.group[0].name, row.total, row.dissatisfied)
            for row in quarters.rows] == [("2026-Q3", "Quý 3/2026", 2, 1), ("2026-Q4", "Quý 4/2026", 5, 1)]
    assert quarters.total.total == 7 and quarters.total.score == pytest.approx(71.43)


def test_by_officer_counter_and_service(rdb, config, seed) -> None:
    an = seed.officer("an", "Nguyễn Văn An")
    binh = seed.officer("binh", "Trần Thị Bình")
    seed.officer("cuong", "Lê Văn Cường")  # no votes: listed with zeros
    seed.officer("admin", "Quản trị", role="admin")  # admins are listed only with votes
    day = L(2026, 11, 10)
    seed.rating(day, "very_satisfied", officer=an, counter="quay-1", service="ho-tich")
    seed.rating(day, "dissatisfied", officer=an, counter="quay-1", service="chung-thuc")
    seed.rating(day, "satisfied", officer=binh, counter="quay-3", service="dat-dai")
    seed.rating(day, "satisfied", officer=None, counter="quay-3", service=None)  # nobody signed in
    r = satisfaction_report(rdb, config, "2026-11-01", "2026-11-30", "officer")
    rows = [(row.group[0].name, row.total, row.score) for row in r.rows]
    assert rows == [("Lê Văn Cường", 0, None), ("Nguyễn Văn An", 2, 50.0),
                    ("Trần Thị Bình", 1, 100.0), ("Không xác định", 1, 100.0)]
    counters = satisfaction_report(rdb, config, "2026-11-01", "2026-11-30", "counter")
    assert [(row.group[0].name, row.total) for row in counters.rows] == [
        ("Quầy 1", 2), ("Quầy 2", 0), ("Quầy 3", 2), ("Quầy 4", 0), ("Quầy 5", 0)]
    fields = satisfaction_report(rdb, config, "2026-11-01", "2026-11-30", "service")
    assert [(row.group[0].id, row.total) for row in fields.rows] == [
        ("ho-tich", 1), ("chung-thuc", 1), ("dat-dai", 1), ("kinh-doanh", 0), ("van-hoa-xa-hoi", 0),
        ("tra-ket-qua", 0), (None, 1)]
    assert fields.total.total == 4


def test_two_dimensions_cross_every_value(rdb, config, seed) -> None:
    an = seed.officer("an", "Nguyễn Văn An")
    seed.rating(L(2026, 10, 5), "very_satisfied", officer=an)
    seed.rating(L(2026, 11, 5), "dissatisfied", officer=an)
    r = satisfaction_report(rdb, config, "2026-10-01", "2026-11-30", "officer,month")
    assert [(row.group[0].name, row.group[1].id, row.total, row.score) for row in r.rows] == [
        ("Nguyễn Văn An", "2026-10", 1, 100.0), ("Nguyễn Văn An", "2026-11", 1, 0.0)]
    d = r.rows[0].as_dict()
    assert d["group"] == {"officer": {"id": an, "name": "Nguyễn Văn An"},
                          "month": {"id": "2026-10", "name": "10/2026"}}
    assert d["levels"][0] == {"id": "very_satisfied", "name": "Rất hài lòng", "count": 1, "percent": 100.0}


def test_ratings_through_the_engine(engine, clock, rdb, config) -> None:
    if rdb is not engine.db:
        pytest.skip("the engine fixture runs on SQLite")
    for level in ("very_satisfied", "satisfied", "satisfied", "dissatisfied"):
        engine.issue("dat-dai")
        engine.call_next("quay-3")
        clock.advance(minutes=5)
        engine.finish("quay-3")
        engine.record_rating(str(uuid.uuid4()), "quay-3", level, clock.now)
    r = satisfaction_report(rdb, config, "2026-11-25", "2026-11-25", "service")
    dat_dai = next(row for row in r.rows if row.group[0].id == "dat-dai")
    assert dat_dai.total == 4 and dat_dai.score == 75.0
    assert levels(dat_dai)["satisfied"] == (2, 50.0)


def test_a_level_no_longer_configured_is_still_counted(rdb, config, seed) -> None:
    seed.votes(L(2026, 11, 10), very_satisfied=1, neutral=1)  # neutral was on, then turned off
    r = satisfaction_report(rdb, config, "2026-11-01", "2026-11-30")
    assert [lv.id for lv in r.levels][-1] == "neutral"
    assert r.total.total == 2 and levels(r.total)["neutral"] == (1, 50.0) and r.total.score == 100.0


def test_bad_grouping_is_refused(rdb, config) -> None:
    with pytest.raises(ReportError):
        satisfaction_report(rdb, config, "2026-11-01", "2026-11-30", "hour")


def test_days_across_daylight_saving_time(rdb, make_config, seed) -> None:
    from zoneinfo import ZoneInfo

    cfg = make_config(centre={"name": "Bürgeramt", "timezone": "Europe/Berlin"})
    berlin = ZoneInfo("Europe/Berlin")
    seed.rating(L(2026, 3, 29, 0, 30).replace(tzinfo=berlin), "satisfied")  # 23:30 UTC on the 28th
    seed.rating(L(2026, 3, 29, 23, 30).replace(tzinfo=berlin), "satisfied")  # 21:30 UTC (summer time)
    seed.rating(L(2026, 3, 30, 0, 30).replace(tzinfo=berlin), "dissatisfied")  # 22:30 UTC on the 29th
    r = satisfaction_report(rdb, cfg, "2026-03-28", "2026-03-30", "day")
    assert [(row.group[0].id, row.total) for row in r.rows] == [
        ("2026-03-28", 0), ("2026-03-29", 2), ("2026-03-30", 1)]
