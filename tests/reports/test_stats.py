"""Percentiles, histograms and rounded percentages."""

from __future__ import annotations

import statistics
from fractions import Fraction

import pytest

from motcua.core.reports.stats import Histogram, percent, percentile, rounded, summarize


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (1, 3, 33.33), (2, 3, 66.67), (1, 8, 12.5), (1, 32, 3.13),  # 3.125 rounds half up
    (1, 1, 100.0), (0, 5, 0.0), (2309, 2311, 99.91), (2, 2311, 0.09), (1, 0, None), (0, 0, None),
])
def test_percent_rounds_half_up_from_exact_counts(part, whole, expected) -> None:
    assert percent(part, whole) == expected


def test_rounded_uses_the_exact_value() -> None:
    assert rounded(Fraction(1, 8), 2) == 0.13  # 0.125 half up, not banker's 0.12
    assert rounded(2.675, 2) == 2.68  # the decimal literal, not the binary float below it
    assert rounded(Fraction(37, 6), 1) == 6.2


def test_percentile_type_7_by_hand() -> None:
    values = [180, 600, 1020]  # 3, 10 and 17 minutes
    assert percentile(values, 0.5) == 600
    assert percentile(values, 0.9) == pytest.approx(600 + 0.8 * 420)  # h = 1.8
    assert percentile([5, 1, 3, 2], 0.5) == 2.5  # even count: mean of the middle two
    assert percentile([5, 1, 3, 2], 0.9) == pytest.approx(3 + 0.7 * 2)  # h = 2.7 -> 4.4
    assert percentile([7], 0.9) == 7
    assert percentile([], 0.5) is None
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == pytest.approx(9.1)


def test_percentile_agrees_with_excel_inclusive_method() -> None:
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    assert percentile(values, 0.9) == pytest.approx(deciles[8])
    assert percentile(values, 0.5) == statistics.median(values)


def test_histogram_summary_equals_the_expanded_values() -> None:
    h = Histogram([(60, 3), (120, 1), (45, 2)])
    h.add(60)
    values = [60] * 4 + [120] + [45] * 2
    s = h.summary()
    assert s.count == 7 and h.n == 7
    assert s.mean == round(sum(values) / 7, 2)
    assert s.median == percentile(values, 0.5) == 60
    assert s.p90 == pytest.approx(percentile(values, 0.9))
    assert h.at_most(60) == 6 and h.at_most(59.9) == 2


def test_summary_of_nothing_is_empty() -> None:
    s = summarize([])
    assert (s.count, s.mean, s.median, s.p90) == (0, None, None, None)


def test_histograms_merge() -> None:
    a, b = Histogram([(10, 1)]), Histogram([(10, 2), (20, 1)])
    a.merge(b)
    assert a.counts == {10: 3, 20: 1}
