"""Summary statistics from value histograms, and rounded percentages.

Durations are aggregated in SQL as ``(whole seconds, count)`` pairs: exact, and far fewer rows than
tickets. Percentiles use linear interpolation between closest ranks (Hyndman-Fan type 7, the
method of Excel's PERCENTILE.INC / MEDIAN and numpy's default): for sorted values x[0..n-1] and
fraction p, h = (n - 1) * p and the percentile is x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] -
x[floor(h)]). The median is the 0.5 percentile (the mean of the two middle values when n is even).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import accumulate


def percent(part: int, whole: int) -> float | None:
    """``part / whole`` in percent, rounded half-up to 2 decimals from the exact ratio; None when
    ``whole`` is 0."""
    if not whole:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rounded(value: float | Fraction, places: int = 2) -> float:
    """Half-up to ``places`` decimals (from the exact value for fractions)."""
    return float(_q(value, places))


def _q(value: float | Fraction, places: int = 2) -> Decimal:
    d = (Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction)
         else Decimal(repr(value)))
    return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class Histogram:
    """Integer values with counts (e.g. waiting seconds), mergeable across groups."""

    __slots__ = ("counts",)

    def __init__(self, pairs: Iterable[tuple[int, int]] = ()):
        self.counts: dict[int, int] = {}
        for value, count in pairs:
            self.add(value, count)

    def add(self, value: int, count: int = 1) -> None:
        self.counts[value] = self.counts.get(value, 0) + count

    def merge(self, other: Histogram) -> None:
        for value, count in other.counts.items():
            self.add(value, count)

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def at_most(self, limit: float) -> int:
        """How many values are <= ``limit``."""
        return sum(c for v, c in self.counts.items() if v <= limit)

    def summary(self) -> Summary:
        return summarize(self.counts.items())


@dataclass(frozen=True)
class Summary:
    """Count, mean, median and 90th percentile (None when there are no values)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None

    def as_dict(self) -> dict:
        return {"count": self.count, "mean_s": self.mean, "median_s": self.median, "p90_s": self.p90}


EMPTY = Summary(0, None, None, None)


def summarize(pairs: Iterable[tuple[int, int]]) -> Summary:
    items = sorted((v, c) for v, c in pairs if c > 0)
    if not items:
        return EMPTY
    values = [v for v, _ in items]
    cumulative = list(accumulate(c for _, c in items))
    n = cumulative[-1]
    mean = Fraction(sum(v * c for v, c in items), n)

    def nth(k: int) -> int:  # the k-th smallest value, 0-based
        return values[bisect.bisect_right(cumulative, k)]

    def pct(p: Fraction) -> Fraction:
        h = (n - 1) * p
        lo = h.numerator // h.denominator
        a = nth(lo)
        return a + (h - lo) * (nth(lo + 1) - a) if h > lo else Fraction(a)

    return Summary(n, rounded(mean), rounded(pct(Fraction(1, 2))), rounded(pct(Fraction(9, 10))))


def percentile(values: Iterable[int], p: float) -> float | None:
    """The type-7 percentile of ``values`` (``p`` in 0..1), unrounded; None when empty."""
    items = sorted(values)
    if not items:
        return None
    h = (len(items) - 1) * Fraction(p).limit_denominator(1000)
    lo = h.numerator // h.denominator
    if h == lo:
        return float(items[lo])
    return float(items[lo] + (h - lo) * (items[lo + 1] - items[lo]))
