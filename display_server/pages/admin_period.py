"""The period and grouping a report page shows, from its query string: a preset (this month by
default) or chosen dates, and up to two grouping dimensions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

PRESETS = ("today", "this_month", "last_month", "this_quarter", "this_year")
DEFAULT_PRESET = "this_month"


def preset_range(name: str, today: date) -> tuple[date, date]:
    """The dates of a preset, up to ``today`` (last month: the whole month)."""
    if name == "today":
        return today, today
    if name == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if name == "this_quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if name == "this_year":
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


@dataclass(frozen=True)
class Choice:
    """What the page was asked for; ``start``/``end`` are ISO strings the report functions check."""

    preset: str  # one of PRESETS, or "" for chosen dates
    start: str
    end: str
    group_by: tuple[str, ...]

    @property
    def group_arg(self) -> str:
        return ",".join(self.group_by)

    def query(self, **extra: str) -> dict[str, str]:
        """Query arguments that show the same period and grouping (for links)."""
        out = {"from": self.start, "to": self.end}
        if self.group_by:
            out["by"] = self.group_arg
        out.update(extra)
        return out


def choose(args: Mapping[str, str], today: date, allowed: tuple[str, ...],
           default_group: tuple[str, ...]) -> Choice:
    """Read ``preset`` or ``from``/``to``, and ``by`` (``officer`` or ``officer,month``).

    Bad dates are passed on as given so the report says what is wrong with them; unknown
    grouping words are dropped.
    """
    preset = args.get("preset", "")
    start, end = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if preset in PRESETS or not (start or end):
        preset = preset if preset in PRESETS else DEFAULT_PRESET
        lo, hi = preset_range(preset, today)
        start, end = lo.isoformat(), hi.isoformat()
    else:
        preset = ""
        start, end = start[:20], end[:20]
    if "by" in args:
        words = [w.strip().lower() for w in args.get("by", "").split(",")]
        group = tuple(dict.fromkeys(w for w in words if w in allowed))[:2]
    else:
        group = default_group
    return Choice(preset, start, end, group)


def trend_unit(start: date, end: date) -> str:
    """Days for up to two months, months for longer periods."""
    return "day" if (end - start).days < 62 else "month"
