"""Raw data (TOML, JSON, a form) into a msgspec Struct, with every problem named at once.

msgspec stops at its first error; an IT officer should fix a config file once, not once per
error. :func:`validate` therefore walks the Struct's fields (``msgspec.structs.fields``) and
converts each present key on its own with ``msgspec.convert``, recursing into nested Structs and
lists, tuples and dicts of them, so a problem's path reads like ``fields[2].numbering.range``.
It collects unknown keys, missing required keys and each field's error, and only then builds the
Struct, whose ``__post_init__`` does the cross-field checks.

A field's type may carry :class:`Before` and :class:`After` in its ``Annotated`` metadata (msgspec
ignores them): a function applied to the raw value before its type is checked, or to the checked
value; a ``ValueError`` it raises is that field's problem. A Struct may define a classmethod
``raw_data(data: dict) -> dict`` that reshapes its raw table before its fields are read.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import msgspec

S = TypeVar("S", bound=msgspec.Struct)
Loc = tuple[str | int, ...]
UNKNOWN = "unknown key"
MISSING = "required key is missing"


@dataclass(frozen=True)
class Before:
    """``Annotated`` metadata: ``func`` turns the field's raw value into what its type reads."""

    func: Callable[[Any], Any]


@dataclass(frozen=True)
class After:
    """``Annotated`` metadata: ``func`` checks (and may replace) the field's converted value."""

    func: Callable[[Any], Any]


@dataclass(frozen=True)
class Problem:
    """One problem: where (keys and list indexes), and what is wrong there."""

    path: Loc
    message: str

    @property
    def where(self) -> str:
        """The path as the config writes it: ``fields[2].numbering.range``."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
        return out or "(top level)"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class Invalid(ValueError):
    """The data does not make the Struct; ``problems`` names each problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def strip_strings(data: Any) -> Any:
    """``data`` with every string stripped of surrounding whitespace, tables and lists walked."""
    if isinstance(data, str):
        return data.strip()
    if isinstance(data, Mapping):
        return {k: strip_strings(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(strip_strings(v) for v in data)
    return data


def validate(cls: type[S], data: Any, *, unknown: Literal["forbid", "ignore"] = "forbid",
             strict: bool = False, strip: bool = True) -> S:
    """``data`` as a ``cls``, or :class:`Invalid` with every problem. ``unknown``: whether keys
    that are not fields are problems; ``strict``: msgspec's rules (``False``: text such as "15"
    is read as a number); ``strip``: strings stripped first."""
    walk = _Walk(unknown=unknown, strict=strict)
    out = walk.struct(cls, strip_strings(data) if strip else data, ())
    if walk.problems:
        raise Invalid(walk.problems)
    return out


def convert(tp: Any, value: Any, *, strict: bool = False) -> Any:
    """One value of type ``tp`` (e.g. :func:`field_type`), or :class:`Invalid`."""
    walk = _Walk(unknown="forbid", strict=strict)
    out = walk.value(tp, value, ())
    if walk.problems:
        raise Invalid(walk.problems)
    return out


def field_type(cls: type[msgspec.Struct], name: str) -> Any:
    """The annotated type of ``cls``'s field ``name``."""
    return next(f.type for f in msgspec.structs.fields(cls) if f.name == name)


def _dec_hook(tp: Any, obj: Any) -> Any:
    if tp is Path and isinstance(obj, str | Path):
        return Path(obj)
    raise NotImplementedError


_BAD = object()
_AT = re.compile(r"^(.*) - at `\$(.*)`$", re.S)
_STEP = re.compile(r"\[(\d+|\.\.\.)\]|\.([^.\[]+)")


def _strip_hooks(tp: Any) -> tuple[Any, list[Before], list[After]]:
    """``tp`` without our metadata, and the hooks it carried."""
    if get_origin(tp) is not Annotated:
        return tp, [], []
    meta = tp.__metadata__
    before = [m for m in meta if isinstance(m, Before)]
    after = [m for m in meta if isinstance(m, After)]
    rest = tuple(m for m in meta if not isinstance(m, Before | After))
    base = tp.__origin__
    return (Annotated[(base, *rest)] if rest else base), before, after


def _base(tp: Any) -> Any:
    """``tp`` without any ``Annotated`` wrapper."""
    return tp.__origin__ if get_origin(tp) is Annotated else tp


def _is_struct(tp: Any) -> bool:
    tp = _base(tp)
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def _walks(tp: Any) -> bool:
    """Whether a value of ``tp`` needs walking (a Struct inside, or hooks), not one convert."""
    if get_origin(tp) is Annotated and any(isinstance(m, Before | After) for m in tp.__metadata__):
        return True
    tp = _base(tp)
    if _is_struct(tp):
        return True
    return any(_walks(a) for a in get_args(tp) if a is not Ellipsis)


class _Walk:
    def __init__(self, *, unknown: str, strict: bool):
        self.unknown = unknown
        self.strict = strict
        self.problems: list[Problem] = []

    def fail(self, path: Loc, message: str) -> object:
        self.problems.append(Problem(path, message))
        return _BAD

    def struct(self, cls: type[S], data: Any, path: Loc) -> Any:
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            return self.convert(cls, data, path)  # msgspec's message: Expected `object`...
        hook = getattr(cls, "raw_data", None)
        data = dict(data)
        if hook is not None:
            try:
                data = hook(data)
            except ValueError as exc:
                return self.fail(path, str(exc))
        fields = msgspec.structs.fields(cls)
        values: dict[str, Any] = {}
        ok = True
        for f in fields:
            if f.encode_name not in data:
                if f.required:
                    self.fail((*path, f.encode_name), MISSING)
                    ok = False
                continue
            value = self.value(f.type, data[f.encode_name], (*path, f.encode_name))
            if value is _BAD:
                ok = False
            else:
                values[f.name] = value
        if self.unknown == "forbid":
            known = {f.encode_name for f in fields}
            for key in data:
                if key not in known:
                    self.fail((*path, key), UNKNOWN)
                    ok = False
        if not ok:
            return _BAD
        try:
            return cls(**values)
        except (ValueError, TypeError) as exc:
            return self.fail(path, str(exc))

    def value(self, tp: Any, raw: Any, path: Loc) -> Any:
        tp, before, after = _strip_hooks(tp)
        try:
            for hook in before:
                raw = hook.func(raw)
        except ValueError as exc:
            return self.fail(path, str(exc))
        value = self.typed(tp, raw, path)
        if value is _BAD:
            return _BAD
        try:
            for check in after:
                value = check.func(value)
        except ValueError as exc:
            return self.fail(path, str(exc))
        return value

    def typed(self, tp: Any, raw: Any, path: Loc) -> Any:
        base = _base(tp)
        origin, args = get_origin(base), get_args(base)
        if _is_struct(base):
            return self.struct(base, raw, path)
        if origin in (Union, types.UnionType) and _walks(base):
            if raw is None and type(None) in args:
                return None
            inner = [a for a in args if a is not type(None)]
            if len(inner) == 1:
                return self.value(inner[0], raw, path)
        elif origin in (tuple, list) and args and _walks(args[0]) and isinstance(raw, list | tuple):
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                return self.convert(tp, raw, path)
            items = [self.value(args[0], item, (*path, i)) for i, item in enumerate(raw)]
            if any(item is _BAD for item in items):
                return _BAD
            raw = origin(items)
        elif origin is dict and len(args) == 2 and _walks(args[1]) and isinstance(raw, Mapping):
            items = {k: self.value(args[1], v, (*path, str(k))) for k, v in raw.items()}
            if any(v is _BAD for v in items.values()):
                return _BAD
            raw = items
        return self.convert(tp, raw, path)

    def convert(self, tp: Any, raw: Any, path: Loc) -> Any:
        try:
            return msgspec.convert(raw, tp, strict=self.strict, dec_hook=_dec_hook)
        except msgspec.ValidationError as exc:
            message, deeper = str(exc), ()
            at = _AT.match(message)
            if at:
                message = at.group(1)
                deeper = tuple(int(i) if i.isdigit() else name
                               for i, name in _STEP.findall(at.group(2)) if i != "...")
            choices = get_args(_base(tp)) if get_origin(_base(tp)) is Literal else ()
            if choices and not deeper:
                message = f"Expected one of {', '.join(repr(c) for c in choices)}, got {raw!r}"
            return self.fail((*path, *deeper), message)
