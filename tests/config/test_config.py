"""Loading and validating the centre config."""

from __future__ import annotations

import logging
from datetime import datetime, time
from pathlib import Path

import pytest

from config import ConfigError, load_config, parse_config
from config.schema import Numbering, as_data, parse_span

ROOT = Path(__file__).resolve().parents[2]

MINIMAL = """
[centre]
name = "UBND xã Thử"

[[fields]]
id = "a"
name = "Hộ tịch"
numbering = { prefix = "A", width = 3 }

[[counters]]
id = "q1"
number = 1
fields = ["a"]
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "motcua.toml"
    p.write_text(text, encoding="utf-8")
    return p


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env={})
    return info.value.problems


@pytest.mark.parametrize("name", ["demo.toml", "province.toml"])
def test_shipped_configs_are_valid(name: str, tmp_path: Path) -> None:
    cfg = load_config(ROOT / "config" / name, env={"MOTCUA_DATA_DIR": str(tmp_path)})
    assert cfg.fields and cfg.counters
    assert cfg.centre.timezone == "Asia/Ho_Chi_Minh"
    assert cfg.data_path == tmp_path.resolve()


def test_demo_config_shape(config) -> None:
    assert len(config.fields) == 6
    assert len(config.counters) == 5
    assert sum(d.kind == "kiosk" for d in config.devices) == 1
    assert sum(d.kind == "rating_station" for d in config.devices) == 2
    assert any(len(c.fields) > 1 for c in config.counters)
    # open around the clock, every day
    for weekday in range(7):
        spans = config.centre.hours.spans(weekday)
        assert [str(s) for s in spans] == ["00:00-24:00"]


def test_province_config_shape(tmp_path: Path) -> None:
    cfg = load_config(ROOT / "config" / "province.toml", env={"MOTCUA_DATA_DIR": str(tmp_path)})
    assert len(cfg.counters) == 30
    assert cfg.centre.hours.spans(6) == ()  # Sunday off
    assert cfg.centre.closed_dates
    assert all(f.daily_cap > 0 for f in cfg.fields)
    assert [lv.id for lv in cfg.ratings.effective_levels] == [
        "very_satisfied", "satisfied", "neutral", "dissatisfied"]


def test_minimal_config_gets_defaults(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, MINIMAL), env={})
    assert cfg.centre.timezone == "Asia/Ho_Chi_Minh"
    assert [lv.name for lv in cfg.ratings.effective_levels] == [
        "Rất hài lòng", "Hài lòng", "Không hài lòng"]
    assert cfg.queue.max_waiting == 0
    assert cfg.printer.backend == "preview"
    assert cfg.voice.template == "Xin mời công dân có số thứ tự {number} đến quầy số {counter}"
    # data dir defaults to "data" next to the config file; database in it
    assert cfg.data_path == (tmp_path / "data").resolve()
    assert cfg.database_url == f"sqlite:///{tmp_path.resolve() / 'data' / 'motcua.db'}"
    # office hours by default: weekdays only
    assert cfg.centre.hours.spans(5) == ()
    assert cfg.centre.hours.spans(0)


def test_env_overrides_data_dir(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, MINIMAL), env={"MOTCUA_DATA_DIR": str(tmp_path / "x")})
    assert cfg.data_path == (tmp_path / "x").resolve()


def test_config_is_frozen(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, MINIMAL), env={})
    with pytest.raises(AttributeError):
        cfg.centre.name = "other"  # type: ignore[misc]


def test_unknown_key_is_named(tmp_path: Path) -> None:
    got = problems(tmp_path, MINIMAL.replace('name = "UBND xã Thử"', 'name = "X"\ncolour = "red"'))
    assert got == ["centre.colour: unknown key"]


def test_unknown_nested_key_is_named(tmp_path: Path) -> None:
    got = problems(tmp_path, MINIMAL.replace("width = 3 }", "width = 3, start = 5 }"))
    assert got == ["fields[0].numbering.start: unknown key"]


def test_missing_required_key(tmp_path: Path) -> None:
    got = problems(tmp_path, MINIMAL.replace('name = "UBND xã Thử"', ""))
    assert got == ["centre.name: required key is missing"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('[centre]', '[centre]\ntimezone = "Asia/Saigon_x"', "centre.timezone: unknown time zone"),
        ('width = 3 }', 'width = 3, range = "1-9" }', "fields[0].numbering: give either"),
        ('{ prefix = "A", width = 3 }', '{ range = "9-1" }', "fields[0].numbering: range '9-1'"),
        ('fields = ["a"]', 'fields = ["a", "b"]', "counters[0].fields: unknown field 'b'"),
        ('number = 1', 'number = 0', "counters[0].number: Expected `int` >= 1"),
        ('[centre]', '[queue]\npriority_policy = "random"\n[centre]', "queue.priority_policy: Expected one of 'strict', 'every_n', got 'random'"),
        ('id = "a"', 'id = "A B"', "fields[0].id: Expected `str` matching regex"),
        ('[centre]', '[voice]\ntemplate = "Mời số"\n[centre]', "voice.template: template must contain {number}"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = MINIMAL.replace(old, new, 1)
    assert text != MINIMAL
    got = problems(tmp_path, text)
    assert any(p.startswith(expected) for p in got), got


def test_bad_hours_are_named(tmp_path: Path) -> None:
    text = MINIMAL + '\n[centre.hours]\nmon = "11:00-07:00"\ntue = "25:00-26:00"\n'
    got = problems(tmp_path, text.replace("[centre]\n", "[centre]\n", 1))
    assert "centre.hours.mon: '11:00-07:00' ends before it starts" in got
    assert "centre.hours.tue: '25:00-26:00' has an impossible time" in got


def test_cross_reference_problems(tmp_path: Path) -> None:
    text = MINIMAL + """
[[fields]]
id = "b"
name = "B"
numbering = { range = "1-50" }
daily_cap = 60

[[counters]]
id = "q1"
number = 2
fields = ["a"]

[[devices]]
id = "kiosk-1"
kind = "kiosk"
token = "0123456789abcdef0"

[[devices]]
id = "r1"
kind = "rating_station"
token = "0123456789abcdef0"
buttons = [{ pin = 5, counter = "q9", level = "great" }, { pin = 5, counter = "q1", level = "satisfied" }]
"""
    got = problems(tmp_path, text)
    assert "counters: duplicate id 'q1'" in got
    assert "fields[1]: field 'b' is served by no counter" in got
    assert "fields[1].daily_cap: 60 is more than its numbering allows (50)" in got
    assert "devices: duplicate token '0123456789abcdef0'" in got
    assert "devices[1].buttons: duplicate pin 5" in got
    assert "devices[1].buttons[0].counter: unknown counter 'q9'" in got
    assert any(p.startswith("devices[1].buttons[0].level: unknown level 'great'") for p in got)


def test_short_token_rejected(tmp_path: Path) -> None:
    text = MINIMAL + '\n[[devices]]\nid = "k"\nkind = "kiosk"\ntoken = "short"\n'
    assert any(p.startswith("devices[0].token:") for p in problems(tmp_path, text))


def test_file_problems(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert info.value.problems == ["file not found"]
    bad = write(tmp_path, "[centre\nname=")
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert info.value.problems[0].startswith("not valid TOML")


def test_parse_span() -> None:
    span = parse_span("07:00-11:15")
    assert span.contains(time(7, 0)) and span.contains(time(11, 14, 59))
    assert not span.contains(time(11, 15)) and not span.contains(time(6, 59))
    assert str(parse_span("00:00-24:00")) == "00:00-24:00"
    assert parse_span("13:15-24:00").contains(time(23, 59, 59))
    for bad in ("7:00-11:00", "07:00-07:00", "07:60-08:00", "24:00-24:30", "x"):
        with pytest.raises(ValueError):
            parse_span(bad)


@pytest.mark.parametrize(
    ("numbering", "seq", "expected"),
    [
        ({"prefix": "A", "width": 3}, 1, "A001"),
        ({"prefix": "A", "width": 3}, 999, "A999"),
        ({"prefix": "", "width": 4}, 42, "0042"),
        ({"range": "1001-1999"}, 1, "1001"),
        ({"range": "1001-1999"}, 5, "1005"),
        ({"range": "1001-1999"}, 999, "1999"),
        ({"range": "101-199"}, 10, "110"),
    ],
)
def test_numbering_format(numbering: dict, seq: int, expected: str) -> None:
    assert Numbering(**numbering).format(seq) == expected


def test_numbering_capacity() -> None:
    assert Numbering(prefix="A", width=3).capacity == 999
    assert Numbering(range="1001-1999").capacity == 999
    with pytest.raises(ValueError):
        Numbering(range="1001-1999").format(1000)
    with pytest.raises(ValueError):
        Numbering(prefix="A", width=2).format(0)


def test_parse_config_in_memory(tmp_path: Path) -> None:
    import tomllib

    cfg = parse_config(tomllib.loads(MINIMAL), env={"MOTCUA_DATA_DIR": str(tmp_path)})
    assert cfg.field("a").name == "Hộ tịch"
    assert cfg.counter("q1").number == 1
    assert cfg.field("zz") is None
    assert cfg.zone.key == "Asia/Ho_Chi_Minh"
    assert datetime(2026, 1, 1, tzinfo=cfg.zone).utcoffset().total_seconds() == 7 * 3600


def test_old_server_keys_still_load_and_are_ignored_with_a_warning(demo_config_text,
                                                                   tmp_path: Path, caplog) -> None:
    """[server] threads (and stream_limit) sized the thread-per-connection server: a config
    that still has them loads, says so once per key, and behaves as without them."""
    old = demo_config_text.replace("[server]\n", "[server]\nthreads = 64\nstream_limit = 48\n", 1)
    path = tmp_path / "old.toml"
    path.write_text(old, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="config"):
        cfg = load_config(path, env={"MOTCUA_DATA_DIR": str(tmp_path)})
    assert cfg.server.ignored == ("threads", "stream_limit")
    assert "[server] threads is no longer used" in caplog.text
    assert "[server] stream_limit is no longer used" in caplog.text
    assert cfg.server.read_timeout_s == 15 and cfg.server.streams_per_address == 8
    assert "ignored" not in as_data(cfg.server)
    with pytest.raises(ConfigError, match="ignored"):  # not a setting of its own
        load_config(_written(tmp_path, demo_config_text.replace(
            "[server]\n", "[server]\nignored = ['x']\n", 1)), env={})


def _written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "written.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("url", "stored"), [
    ("", ""),
    ("sqlite:////var/lib/motcua/x.db", "sqlite:////var/lib/motcua/x.db"),
    ("postgresql+psycopg://u:p@db/motcua", "postgresql+psycopg://u:p@db/motcua"),
    ("postgresql://u:p@db/motcua", "postgresql+psycopg://u:p@db/motcua"),  # psycopg 3, not 2
    ("postgres://u@db/motcua", "postgresql+psycopg://u@db/motcua"),
])
def test_database_urls(tmp_path: Path, url: str, stored: str) -> None:
    cfg = load_config(write(tmp_path, MINIMAL + f'[database]\nurl = "{url}"\n'), env={})
    assert cfg.database.url == stored


def test_unsupported_database_is_named(tmp_path: Path) -> None:
    got = problems(tmp_path, MINIMAL + '[database]\nurl = "mysql://u@db/motcua"\n')
    assert any(p.startswith("database.url: ") and "'mysql' is not a supported database" in p
               for p in got), got


def test_server_address_from_the_command_line(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, MINIMAL), env={})
    assert cfg.with_server_url("http://10.0.0.5:8080/").kiosk.server_url == "http://10.0.0.5:8080"
    moved = cfg.with_server_port(8099)
    assert moved.server.port == 8099 and moved.kiosk.server_url == "http://127.0.0.1:8099"
    assert cfg.server.port == 8080  # the config itself is unchanged
    with pytest.raises(ValueError, match="not a server address"):
        cfg.with_server_url("10.0.0.5:8080")


# -- two fields must never print the same number ----------------------------------------------------
def _formats() -> list[Numbering]:
    out = [Numbering(prefix=p, width=w) for p in ("", "1", "2", "A", "A1", "10") for w in (1, 2, 3)]
    out += [Numbering(range=r) for r in ("0-9", "1-20", "15-99", "100-199", "1001-1999", "95-1005",
                                         "110-120", "1-1")]
    return out


def _printed(n: Numbering) -> set[str]:
    return {n.format(seq) for seq in range(1, n.capacity + 1)}


def test_shared_numbers_agree_with_every_printed_number() -> None:
    formats = _formats()
    printed = [_printed(n) for n in formats]
    for i, a in enumerate(formats):
        for j, b in enumerate(formats):
            shared = a.shared_number(b)
            both = printed[i] & printed[j]
            assert (shared is None) == (not both), (a, b, shared)
            assert shared is None or shared in both


@pytest.mark.parametrize(("first", "second", "number"), [
    ('{ range = "1001-1999" }', '{ range = "1500-2999" }', "1500"),
    ('{ prefix = "A", width = 3 }', '{ prefix = "A", width = 3 }', "A001"),
    ('{ prefix = "A", width = 3 }', '{ prefix = "A0", width = 2 }', "A001"),
    ('{ range = "1001-1999" }', '{ prefix = "1", width = 3 }', "1001"),
])
def test_fields_that_print_the_same_numbers_are_refused(tmp_path: Path, first: str, second: str,
                                                         number: str) -> None:
    text = MINIMAL.replace('numbering = { prefix = "A", width = 3 }', f"numbering = {first}") + f"""
[[fields]]
id = "b"
name = "Chứng thực"
numbering = {second}
"""
    text = text.replace('fields = ["a"]', 'fields = ["a", "b"]')
    got = problems(tmp_path, text)
    assert any(p.startswith("fields[1].numbering: field 'b'") and "field 'a'" in p
               and f"e.g. {number} (two citizens" in p and p.endswith("own range or prefix")
               for p in got), got
