"""The period and grouping a report page shows, from its query string: a preset (this month by
default) or chosen dates, and up to two grouping dimensions."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

PRESETS = ("today", "this_month", "last_month", "this_quarter", "this_year")
DEFAULT_PRESET = "this_month"


_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def user_date(text: str) -> str:
    """``25/11/2026`` (as people in Viet Nam write dates) or ``2026-11-25`` as ISO; anything
    else is returned as typed."""
    text = text.strip()[:20]
    m = _DMY.fullmatch(text)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        except ValueError:
            return text
    return text


def is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def dmy(text: str) -> str:
    """An ISO date as ``25/11/2026`` for the form (other text unchanged)."""
    return date.fromisoformat(text).strftime("%d/%m/%Y") if is_iso_date(text) else text


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
    """Read ``preset`` or ``from``/``to`` (``25/11/2026`` or ISO), and ``by`` (``officer`` or
    ``officer,month``). Bad dates are kept as typed (the page says what is wrong with them);
    unknown grouping words are dropped.
    """
    preset = args.get("preset", "")
    start, end = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if preset in PRESETS or not (start or end):
        preset = preset if preset in PRESETS else DEFAULT_PRESET
        lo, hi = preset_range(preset, today)
        start, end = lo.isoformat(), hi.isoformat()
    else:
        preset = ""
        start, end = user_date(start), user_date(end)
    if "by" in args:
        words = [w.strip().lower() for w in args.get("by", "").split(",")]
        group = tuple(dict.fromkeys(w for w in words if w in allowed))[:2]
    else:
        group = default_group
    return Choice(preset, start, end, group)


def trend_unit(start: date, end: date) -> str:
    """Days for up to two months, months for longer periods."""
    return "day" if (end - start).days < 62 else "month"
