"""What an anonymous client may send that must end in a 4xx, never a 500: integers past the
database's range (in paths, headers and queries) and JSON nested deeper than Python can parse."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**63 - 1
"""The largest integer SQLite and PostgreSQL's bigint store."""
_DIGITS = re.compile(r"[0-9]{1,19}")


def db_int(text: str | None) -> int | None:
    """``text`` as a non-negative integer the database can compare with, else None."""
    if not text or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= DB_INT_MAX else None


class DbIntConverter(IntegerConverter):
    """``<int:...>`` in a route: a number past the database's range is a 404, not an overflow."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a body nested too deeply to parse is invalid JSON (a 400)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def install(app: Flask) -> None:
    """Before any route is registered (routes bind their converters when added)."""
    app.url_map.converters["int"] = DbIntConverter
    app.json = SafeJSONProvider(app)
