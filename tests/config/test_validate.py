"""config.validate: raw data into a msgspec Struct, every problem named by its path."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
import pytest
from msgspec import Meta

from config.validate import After, Before, Invalid, Problem, convert, field_type, validate


def _double(value: object) -> object:
    return value * 2 if isinstance(value, int) else value


def _even(value: int) -> int:
    if value % 2:
        raise ValueError(f"{value} is odd")
    return value


class Inner(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    low: Annotated[int, Meta(ge=0)] = 0
    high: int = 10
    kind: Literal["a", "b"] = "a"

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError("low must not be above high")


class Outer(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1)]
    inner: Inner = Inner()
    items: Annotated[tuple[Inner, ...], Meta(min_length=1)] = (Inner(),)
    by_key: dict[str, Inner] = {}
    maybe: Inner | None = None
    doubled: Annotated[int, Before(_double)] = 0
    even: Annotated[int, After(_even)] = 0
    tags: tuple[str, ...] = ()


class Renamed(msgspec.Struct, kw_only=True):
    field_id: str = msgspec.field(name="service_id")
    flag: bool = False


class Reshaped(msgspec.Struct, frozen=True, kw_only=True):
    value: int = 0
    old: tuple[str, ...] = ()

    @classmethod
    def raw_data(cls, data: dict[str, Any]) -> dict[str, Any]:
        if "old" in data:
            raise ValueError("'old' is not a setting")
        found = tuple(k for k in ("legacy",) if k in data)
        return {**{k: v for k, v in data.items() if k != "legacy"}, "old": found}


def problems(cls: type, data: Any, **options: Any) -> list[str]:
    with pytest.raises(Invalid) as info:
        validate(cls, data, **options)
    return [str(p) for p in info.value.problems]


def test_valid_data_builds_the_struct() -> None:
    out = validate(Outer, {"name": "x", "inner": {"low": 1}, "items": [{"high": 3}],
                           "by_key": {"k": {"kind": "b"}}, "maybe": {"low": 2}, "doubled": 4,
                           "even": 6, "tags": ["p", "q"]})
    assert out == Outer(name="x", inner=Inner(low=1), items=(Inner(high=3),),
                        by_key={"k": Inner(kind="b")}, maybe=Inner(low=2), doubled=8, even=6,
                        tags=("p", "q"))
    assert validate(Outer, {"name": "x", "maybe": None}).maybe is None


def test_every_problem_is_named_with_its_path() -> None:
    got = problems(Outer, {"inner": {"low": -1, "colour": 1},
                           "items": [{"high": 3}, {"kind": "c"}, {"low": 5, "high": 1}],
                           "by_key": {"k": {"low": "x"}}, "even": 3, "tags": ["p", 5], "zz": 1})
    assert got == [
        "name: required key is missing",
        "inner.low: Expected `int` >= 0",
        "inner.colour: unknown key",
        "items[1].kind: Expected one of 'a', 'b', got 'c'",
        "items[2]: low must not be above high",
        "by_key.k.low: Expected `int`, got `str`",
        "even: 3 is odd",
        "tags[1]: Expected `str`, got `int`",
        "zz: unknown key",
    ]


def test_cross_field_checks_run_only_on_valid_fields() -> None:
    assert problems(Inner, {"low": -5, "high": -9}) == ["low: Expected `int` >= 0"]
    assert problems(Inner, {"low": 5, "high": 1}) == ["(top level): low must not be above high"]


def test_a_struct_given_something_else() -> None:
    assert problems(Outer, {"name": "x", "inner": "text", "items": []}) == [
        "inner: Expected `object`, got `str`", "items: Expected `array` of length >= 1"]
    assert problems(Outer, {"name": "x", "items": [7]}) == ["items[0]: Expected `object`, got `int`"]


def test_strings_are_stripped_first_unless_asked_not_to() -> None:
    assert validate(Outer, {"name": "  x ", "tags": [" a "]}).tags == ("a",)
    assert problems(Outer, {"name": "   "}) == ["name: Expected `str` of length >= 1"]
    assert validate(Outer, {"name": " x "}, strip=False).name == " x "


def test_lax_by_default_strict_when_asked() -> None:
    assert validate(Inner, {"low": "3"}).low == 3
    assert problems(Inner, {"low": "3"}, strict=True) == ["low: Expected `int`, got `str`"]


def test_unknown_keys_can_be_ignored_and_names_are_the_encoded_ones() -> None:
    out = validate(Renamed, {"service_id": "ho-tich", "other": 1}, unknown="ignore", strict=True)
    assert out.field_id == "ho-tich"
    assert problems(Renamed, {"field_id": "x", "flag": "yes"}, unknown="ignore", strict=True) == [
        "service_id: required key is missing", "flag: Expected `bool`, got `str`"]


def test_instances_pass_through() -> None:
    inner = Inner(low=1)
    assert validate(Outer, {"name": "x", "inner": inner, "items": (inner,)}).items[0] is inner


def test_a_raw_data_hook_reshapes_the_table() -> None:
    assert validate(Reshaped, {"value": 1, "legacy": 2}) == Reshaped(value=1, old=("legacy",))
    assert problems(Reshaped, {"old": ["x"]}) == ["(top level): 'old' is not a setting"]
    assert problems(Outer, {"name": "x", "maybe": {"low": 1, "zz": 0}}) == ["maybe.zz: unknown key"]


def test_one_value_of_a_field_type() -> None:
    tp = field_type(Inner, "low")
    assert convert(tp, "4") == 4
    with pytest.raises(Invalid) as info:
        convert(tp, "-4")
    assert info.value.problems == [Problem((), "Expected `int` >= 0")]
    assert str(info.value) == "(top level): Expected `int` >= 0"
