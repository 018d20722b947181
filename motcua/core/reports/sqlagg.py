"""``concat_agg``: join a group's strings with commas (SQLite ``group_concat``, PostgreSQL
``string_agg``); NULL values are left out."""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

ITEM_SEP = ","


class concat_agg(FunctionElement):  # noqa: N801  (reads like a SQL function)
    type = Text()
    name = "concat_agg"
    inherit_cache = True


@compiles(concat_agg)
def _string_agg(element, compiler, **kw) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, '{ITEM_SEP}')"


@compiles(concat_agg, "sqlite")
def _group_concat(element, compiler, **kw) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, '{ITEM_SEP}')"
