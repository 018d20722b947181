"""The list of dissatisfied cases for follow-up."""

from __future__ import annotations

from datetime import timedelta

from motcua.core.reports import dissatisfied_cases

from .conftest import L


def test_cases_with_ticket_counter_officer_and_dossier(rdb, make_config, seed) -> None:
    cfg = make_config(ratings={"include_neutral": True})
    an = seed.officer("an", "Nguyễn Văn An")
    t1 = seed.ticket(L(2026, 11, 10, 8), "dat-dai", called=L(2026, 11, 10, 8, 5),
                     finished=L(2026, 11, 10, 8, 20), counter="quay-3", officer=an,
                     dossier="H12.34-261110-0001", number="3007")
    seed.rating(L(2026, 11, 10, 8, 20, 30), "dissatisfied", counter="quay-3", officer=an, ticket=t1,
                service="dat-dai")
    seed.rating(L(2026, 11, 10, 9), "neutral", counter="quay-3", officer=an)  # not dissatisfied
    seed.rating(L(2026, 11, 10, 9, 5), "satisfied", counter="quay-3", officer=an)
    seed.rating(L(2026, 11, 9, 7, 1), "dissatisfied", counter="quay-5", officer=None, service=None)
    seed.rating(L(2026, 12, 1, 0, 30), "dissatisfied")  # next month (17:30 UTC on 30/11)
    out = dissatisfied_cases(rdb, cfg, "2026-11-01", "2026-11-30")
    assert len(out.cases) == 2
    first, second = out.cases
    assert (first.number, first.counter_name, first.officer_name, first.dossier_code) == (
        None, "Quầy 5", "Không xác định", None)
    assert first.pressed_at.replace(tzinfo=None) == L(2026, 11, 9, 7, 1).replace(tzinfo=None)
    assert first.pressed_at.utcoffset() == timedelta(hours=7)
    assert (second.number, second.counter_name, second.officer_name, second.field_name,
            second.level_name, second.dossier_code) == (
        "3007", "Quầy 3", "Nguyễn Văn An", "Đất đai", "Không hài lòng", "H12.34-261110-0001")
    d = out.as_dict()
    assert d["count"] == 2 and d["cases"][1]["pressed_at"] == "2026-11-10T08:20:30+07:00"


def test_none_in_an_empty_period(rdb, config) -> None:
    out = dissatisfied_cases(rdb, config, "2026-11-01", "2026-11-30")
    assert out.cases == [] and out.as_dict()["count"] == 0
