"""Typed, frozen description of one centre, validated from TOML by :mod:`config.loader`."""

from __future__ import annotations

import ipaddress
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from msgspec import Meta
from msgspec.structs import replace

from .validate import After, Before, validate

Id = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
"""Ids in config: lowercase letters, digits, '-' and '_', up to 40 characters."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class _Model(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A frozen, hashable part of the config, read by :func:`config.validate.validate` (strings
    stripped, unknown keys refused, every problem named). Each subclass says ``kw_only=True``
    again: msgspec does not inherit it."""

    hidden: ClassVar[tuple[str, ...]] = ()
    """Fields the loader sets, left out of :func:`as_data`."""


class TimeSpan(_Model, kw_only=True):
    """A half-open span of local wall time; ``end`` may be 24:00."""

    start: time
    end_minutes: int

    def contains(self, t: time) -> bool:
        minutes = t.hour * 60 + t.minute + t.second / 60
        start = self.start.hour * 60 + self.start.minute
        return start <= minutes < self.end_minutes

    def __str__(self) -> str:
        h, m = divmod(self.end_minutes, 60)
        return f"{self.start:%H:%M}-{h:02d}:{m:02d}"


def parse_span(text: str) -> TimeSpan:
    m = _SPAN.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a time span like '07:00-11:15'")
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise ValueError(f"{text!r} has an impossible time")
    end = h2 * 60 + m2
    if end <= h1 * 60 + m1:
        raise ValueError(f"{text!r} ends before it starts")
    return TimeSpan(start=time(h1, m1), end_minutes=end)


def _spans(value: object) -> object:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple):
        return tuple(parse_span(v) if isinstance(v, str) else v for v in value)
    return value


Spans = Annotated[tuple[TimeSpan, ...], Before(_spans)]
"""A day's spans: "07:00-11:15" or a list of such texts."""


class Hours(_Model, kw_only=True):
    """Ticket hours per weekday: a list of spans like "07:00-11:15"; an empty list is a day off."""

    mon: Spans = ()
    tue: Spans = ()
    wed: Spans = ()
    thu: Spans = ()
    fri: Spans = ()
    sat: Spans = ()
    sun: Spans = ()

    def spans(self, weekday: int) -> tuple[TimeSpan, ...]:
        """Spans for ``weekday`` (0 = Monday)."""
        return getattr(self, WEEKDAYS[weekday])


def _office_hours() -> Hours:
    weekday = ("07:00-11:30", "13:30-17:00")
    return validate(Hours, {d: weekday for d in WEEKDAYS[:5]})


class Numbering(_Model, kw_only=True):
    """Either a prefix with a zero-padded width (A001) or a number range (1001-1999)."""

    prefix: Annotated[str, Meta(max_length=3)] = ""
    width: Annotated[int, Meta(ge=1, le=6)] | None = None
    range: str | None = None

    def __post_init__(self) -> None:
        if (self.width is None) == (self.range is None):
            raise ValueError("give either 'width' (with an optional 'prefix') or 'range' like '1001-1999'")
        if self.range is not None:
            m = re.fullmatch(r"(\d{1,6})-(\d{1,6})", self.range)
            if not m or int(m.group(1)) > int(m.group(2)) or int(m.group(1)) < 0:
                raise ValueError(f"range {self.range!r} must look like '1001-1999' with start <= end")

    def describe(self) -> str:
        """The format as the config writes it, e.g. 'range 1001-1999' or 'prefix A, width 3'."""
        if self.range is not None:
            return f"range {self.range}"
        return f"prefix {self.prefix!r}, width {self.width}" if self.prefix else f"width {self.width}"

    @property
    def capacity(self) -> int:
        """How many distinct numbers this format can give in one day."""
        if self.range is not None:
            start, end = (int(x) for x in self.range.split("-"))
            return end - start + 1
        return 10 ** (self.width or 0) - 1

    def blocks(self) -> list[tuple[str, int, int, int]]:
        """The printed numbers as blocks ``(text, digits, low, high)``: ``text`` followed by
        ``low``..``high`` written with exactly ``digits`` digits."""
        if self.range is None:
            return [(self.prefix, self.width or 0, 1, 10 ** (self.width or 0) - 1)]
        start, end = (int(x) for x in self.range.split("-"))
        return [("", k, max(start, 10 ** (k - 1) if k > 1 else 0), min(end, 10 ** k - 1))
                for k in range(len(str(start)), len(str(end)) + 1)]

    def shared_number(self, other: Numbering) -> str | None:
        """A number both formats print (the smallest of one block), or None when they never
        print the same number."""
        for a in self.blocks():
            for b in other.blocks():
                if len(a[0]) + a[1] != len(b[0]) + b[1]:
                    continue
                short, long_ = sorted((a, b), key=lambda blk: len(blk[0]))
                digits = long_[0][len(short[0]):]  # what the longer text puts in the other's digits
                if not long_[0].startswith(short[0]) or not (digits == "" or digits.isdigit()):
                    continue
                offset = int(digits or "0") * 10 ** long_[1]
                low = max(short[2] - offset, long_[2])
                if low <= min(short[3] - offset, long_[3]):
                    return f"{long_[0]}{low:0{long_[1]}d}"
        return None

    def format(self, seq: int) -> str:
        """The printed number of the ``seq``-th ticket of the day (1-based)."""
        if not 1 <= seq <= self.capacity:
            raise ValueError(f"sequence {seq} is outside this numbering's capacity")
        if self.range is not None:
            start = int(self.range.split("-")[0])
            return str(start + seq - 1)
        return f"{self.prefix}{seq:0{self.width}d}"


class SlotPlan(_Model, kw_only=True):
    """A field's bookable slots (đặt lịch hẹn): ``capacity`` citizens per ``slot_minutes`` slot,
    from ``hours`` (the field's ticket hours when empty; slots also lie within those; the gap
    between two spans is the lunch break, and a slot never straddles it), up to ``days_ahead``
    days after today, never on a closed date. The same shape is what an admin's override will store."""

    slot_minutes: Annotated[int, Meta(ge=5, le=240)] = 15
    # citizens per slot
    capacity: Annotated[int, Meta(ge=1, le=100)] = 1
    # 0: today only
    days_ahead: Annotated[int, Meta(ge=0, le=90)] = 14
    hours: Hours | None = None


class FieldConfig(_Model, kw_only=True):
    """A field (lĩnh vực) citizens pick on the kiosk."""

    id: Id
    name: Annotated[str, Meta(min_length=1)]
    name_en: str = ""
    numbering: Numbering
    # 0 = no cap
    daily_cap: Annotated[int, Meta(ge=0)] = 0
    hours: Hours | None = None
    icon: str = ""
    procedures: tuple[str, ...] = ()
    # None: no booking
    appointments: SlotPlan | None = None
    # remote tickets a day (lấy số từ xa); None: the centre's [remote] daily_cap_per_field, 0: no
    # cap
    remote_daily_cap: Annotated[int, Meta(ge=0)] | None = None


class CounterConfig(_Model, kw_only=True):
    """A counter (quầy) and the fields it serves, in the order it serves them."""

    id: Id
    number: Annotated[int, Meta(ge=1, le=999)]
    name: str = ""
    fields: Annotated[tuple[Id, ...], Meta(min_length=1)]


class QueueConfig(_Model, kw_only=True):
    priority_policy: Literal["strict", "every_n"] = "strict"
    # every_n: one priority after N normal
    priority_every: Annotated[int, Meta(ge=1)] = 3
    call_order: Literal["field_order", "oldest"] = "oldest"
    # where a transferred ticket queues: by when its number was taken, among the tickets waiting
    # there; or before all of them
    transferred: Literal["by_issue_time", "first"] = "by_issue_time"
    # 0 = no cap on people waiting in the hall
    max_waiting: Annotated[int, Meta(ge=0)] = 0
    calls_before_skip: Annotated[int, Meta(ge=1, le=10)] = 2
    default_service_minutes: Annotated[float, Meta(gt=0, le=240)] = 5.0
    target_wait_minutes: Annotated[float, Meta(gt=0)] = 30.0


class ArrivalPolicy(_Model, kw_only=True):
    """When a booked citizen may check in: from ``early_minutes`` before the slot starts until
    ``grace_minutes`` after; the ticket is then called first among those due (``order = "first"``)
    or waits as if taken at the slot's start (``"by_slot_time"``). After the grace period the
    booking is ``late``: checking in gives an ordinary ticket (``after_grace = "walk_in"``), or it
    is a no-show and refused (``"no_show"``)."""

    early_minutes: Annotated[int, Meta(ge=0, le=240)] = 30
    grace_minutes: Annotated[int, Meta(ge=0, le=240)] = 15
    after_grace: Literal["walk_in", "no_show"] = "walk_in"
    order: Literal["first", "by_slot_time"] = "first"


class AppointmentsConfig(_Model, kw_only=True):
    """Booking rules shared by every field that takes appointments (``[fields.appointments]``)."""

    arrival: ArrivalPolicy = ArrivalPolicy()
    # name and phone erased this many days after the day
    retention_days: Annotated[int, Meta(ge=1, le=3650)] = 30
    bookings_per_address_per_hour: Annotated[int, Meta(ge=1, le=10000)] = 10
    bookings_per_phone_per_day: Annotated[int, Meta(ge=1, le=20)] = 1
    # wrong check-in codes in a row before a pause
    wrong_codes: Annotated[int, Meta(ge=1, le=20)] = 3
    wrong_code_pause_minutes: Annotated[int, Meta(ge=1, le=1440)] = 5


def _network(text: str) -> str:
    try:
        return str(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError:
        raise ValueError(f"{text!r} is not an address range like 192.168.1.0/24") from None


def _networks(value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_network(v) for v in value)


class RemoteConfig(_Model, kw_only=True):
    """Remote tickets (lấy số từ xa): a citizen takes a ticket on the phone at ``/lay-so``, in the
    kiosk's number series, hours and caps, within these limits. A phone is a long-lived signed
    cookie, and its address too (clearing cookies does not start the day again); behind one
    shared address (the centre's Wi-Fi, a carrier's NAT) raise ``per_address_per_day``."""

    enabled: bool = False
    # tickets per phone a day
    per_phone_per_day: Annotated[int, Meta(ge=1, le=50)] = 2
    # tickets per client address a day; 0: the same as per_phone_per_day
    per_address_per_day: Annotated[int, Meta(ge=0, le=10000)] = 0
    # only from these address ranges (CIDR); empty: from anywhere
    networks: Annotated[tuple[str, ...], After(_networks)] = ()
    # remote tickets per field a day (0: no cap of their own)
    daily_cap_per_field: Annotated[int, Meta(ge=0)] = 0

    @property
    def address_limit(self) -> int:
        return self.per_address_per_day or self.per_phone_per_day

    def field_cap(self, field: FieldConfig) -> int:
        """The field's cap of remote tickets a day (0: none of their own)."""
        return (self.daily_cap_per_field if field.remote_daily_cap is None
                else field.remote_daily_cap)


class RatingLevel(_Model, kw_only=True):
    id: Id
    name: str
    name_en: str = ""
    dissatisfied: bool = False


DEFAULT_LEVELS = (
    RatingLevel(id="very_satisfied", name="Rất hài lòng", name_en="Very satisfied"),
    RatingLevel(id="satisfied", name="Hài lòng", name_en="Satisfied"),
    RatingLevel(id="dissatisfied", name="Không hài lòng", name_en="Dissatisfied", dissatisfied=True),
)
NEUTRAL_LEVEL = RatingLevel(id="neutral", name="Bình thường", name_en="Neutral")


class RatingsConfig(_Model, kw_only=True):
    include_neutral: bool = False
    levels: tuple[RatingLevel, ...] = ()

    @property
    def effective_levels(self) -> tuple[RatingLevel, ...]:
        """Configured levels, else the three defaults (plus Bình thường when asked)."""
        if self.levels:
            return self.levels
        if self.include_neutral:
            return DEFAULT_LEVELS[:2] + (NEUTRAL_LEVEL,) + DEFAULT_LEVELS[2:]
        return DEFAULT_LEVELS


class ButtonConfig(_Model, kw_only=True):
    # BCM GPIO number
    pin: Annotated[int, Meta(ge=0, le=40)]
    counter: Id
    level: Id


class DeviceConfig(_Model, kw_only=True):
    id: Id
    kind: Literal["kiosk", "rating_station"]
    token: Annotated[str, Meta(min_length=16)]
    name: str = ""
    buttons: tuple[ButtonConfig, ...] = ()
    led_pin: Annotated[int, Meta(ge=0, le=40)] | None = None
    buzzer_pin: Annotated[int, Meta(ge=0, le=40)] | None = None


def _hex(value: object) -> object:
    if isinstance(value, str):
        try:
            return int(value, 0)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a number like 0x0416") from exc
    return value


UsbId = Annotated[int | None, Before(_hex)]
"""A USB id: a number, or text like "0x0416"."""


class PrinterConfig(_Model, kw_only=True):
    backend: Literal["preview", "usb", "network", "serial", "file", "none"] = "preview"
    paper_width_mm: Literal[58, 80] = 80
    usb_vendor_id: UsbId = None
    usb_product_id: UsbId = None
    host: str = ""
    port: Annotated[int, Meta(ge=1, le=65535)] = 9100
    device: str = "/dev/ttyUSB0"
    baudrate: int = 19200
    path: str = "/dev/usb/lp0"
    preview_dir: str = "tickets"
    font: str = ""
    font_bold: str = ""
    logo: str = ""
    timeout_s: Annotated[float, Meta(gt=0, le=30)] = 2.0
    cut: bool = True
    footer: str = "Cảm ơn Quý khách!"


def _placeholders(value: str) -> str:
    if "{number}" not in value:
        raise ValueError("template must contain {number}")
    try:
        value.format(number="1", counter="1")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"template may use only {{number}} and {{counter}} ({exc})") from exc
    return value


class VoiceConfig(_Model, kw_only=True):
    engine: Literal["espeak", "clips", "piper", "none"] = "espeak"
    template: Annotated[str, After(_placeholders)] = (
        "Xin mời công dân có số thứ tự {number} đến quầy số {counter}")
    number_reading: Literal["words", "digits"] = "words"
    repeat: Annotated[int, Meta(ge=1, le=5)] = 2
    chime: bool = True
    espeak_voice: str = "vi"
    speed_wpm: Annotated[int, Meta(ge=80, le=400)] = 140
    clips_dir: str = ""
    piper_model: str = ""
    cache_dir: str = "voice-cache"


class DisplayConfig(_Model, kw_only=True):
    language: Literal["vi", "en"] = "vi"
    recent_calls: Annotated[int, Meta(ge=1, le=20)] = 6
    notices: tuple[str, ...] = ()
    announce: bool = True
    # how often the phone page asks for its ticket
    phone_refresh_s: Annotated[float, Meta(ge=1, le=120)] = 10.0
    # the phone page alerts its holder (banner, beeps, vibration) when this many people or fewer are
    # ahead; 0: no such alert (calls still alert)
    phone_alert_ahead: Annotated[int, Meta(ge=0, le=50)] = 3


class KioskConfig(_Model, kw_only=True):
    device_id: str = ""
    server_url: str = "http://127.0.0.1:8080"
    orientation: Literal["landscape", "portrait"] = "landscape"
    fullscreen: bool = True
    idle_seconds: Annotated[int, Meta(ge=5, le=600)] = 30
    result_seconds: Annotated[int, Meta(ge=2, le=120)] = 8
    admin_pin: Annotated[str, Meta(pattern=r"^\d{0,12}$")] = ""
    allow_priority: bool = True


REMOVED_SERVER_KEYS = ("threads", "stream_limit")
"""Keys of ``[server]`` that only the thread-per-connection server used: accepted in old config
files and ignored, with a warning (:mod:`config.loader` logs ``ServerConfig.ignored``)."""


class ServerConfig(_Model, kw_only=True):
    """The display server (event-driven: a connection costs no thread)."""

    host: str = "0.0.0.0"
    port: Annotated[int, Meta(ge=1, le=65535)] = 8080
    # the address citizens' phones open (ticket QR codes, the remote-ticket poster); empty: the
    # address the request came to
    public_url: str = ""
    secret_key: str = ""
    sse_keepalive_s: Annotated[float, Meta(ge=0.2, le=60)] = 5.0
    # a request's line and headers must arrive within this; every later read or write waits at most
    # this long
    read_timeout_s: Annotated[float, Meta(ge=1, le=300)] = 15.0
    # event streams one client address may hold without a device token (phones, screens)
    streams_per_address: Annotated[int, Meta(ge=1, le=1000)] = 8
    ignored: tuple[str, ...] = ()
    """Removed keys found in the file (set by :meth:`raw_data`, not by the file)."""
    hidden: ClassVar[tuple[str, ...]] = ("ignored",)

    @classmethod
    def raw_data(cls, data: dict[str, Any]) -> dict[str, Any]:
        """The table without the removed keys, which ``ignored`` names (see
        :mod:`config.validate`)."""
        if "ignored" in data:
            raise ValueError("'ignored' is not a setting")
        found = tuple(k for k in REMOVED_SERVER_KEYS if k in data)
        if found:
            data = {k: v for k, v in data.items() if k not in REMOVED_SERVER_KEYS}
            data["ignored"] = found
        return data


def _url(value: str) -> str:
    """SQLite or PostgreSQL through psycopg 3 (a bare ``postgresql://`` means psycopg 3 here,
    not SQLAlchemy's default psycopg2, which motcua does not install)."""
    scheme, sep, rest = value.partition("://")
    if not value or scheme in ("sqlite", "postgresql+psycopg"):
        return value
    if scheme in ("postgresql", "postgres") and sep:
        return f"postgresql+psycopg://{rest}"
    raise ValueError(f"{scheme!r} is not a supported database: use SQLite (leave url empty) "
                     "or PostgreSQL ('postgresql+psycopg://user:password@host/motcua')")


class DatabaseConfig(_Model, kw_only=True):
    # empty: SQLite in the data directory
    url: Annotated[str, After(_url)] = ""


def _tz(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r} (e.g. 'Asia/Ho_Chi_Minh')") from exc
    return value


def _dates(value: tuple[str, ...]) -> tuple[str, ...]:
    for d in value:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
            raise ValueError(f"{d!r} is not a date like 2026-09-02")
    return value


class CentreConfig(_Model, kw_only=True):
    name: Annotated[str, Meta(min_length=1)]
    commune: str = ""
    province: str = ""
    timezone: Annotated[str, After(_tz)] = "Asia/Ho_Chi_Minh"
    data_dir: str = ""
    hours: Hours = msgspec.field(default_factory=_office_hours)
    closed_dates: Annotated[tuple[str, ...], After(_dates)] = ()


class AdminLayer(_Model, kw_only=True):
    """The admin's settings file as the loader found it (:mod:`config.admin_settings`): the
    dotted keys it set over the config file, or why it was ignored."""

    path: Path
    keys: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


class Config(_Model, kw_only=True):
    """One centre: the whole TOML file."""

    centre: CentreConfig
    queue: QueueConfig = QueueConfig()
    appointments: AppointmentsConfig = AppointmentsConfig()
    remote: RemoteConfig = RemoteConfig()
    fields: Annotated[tuple[FieldConfig, ...], Meta(min_length=1)]
    counters: Annotated[tuple[CounterConfig, ...], Meta(min_length=1)]
    ratings: RatingsConfig = RatingsConfig()
    devices: tuple[DeviceConfig, ...] = ()
    printer: PrinterConfig = PrinterConfig()
    voice: VoiceConfig = VoiceConfig()
    display: DisplayConfig = DisplayConfig()
    kiosk: KioskConfig = KioskConfig()
    server: ServerConfig = ServerConfig()
    database: DatabaseConfig = DatabaseConfig()
    # Set by the loader, not read from TOML.
    source: Path | None = None
    admin: AdminLayer | None = None
    """The admin's settings file merged over ``source`` (None: there is none)."""
    hidden: ClassVar[tuple[str, ...]] = ("source", "admin")

    def __post_init__(self) -> None:
        """The cross-references: every problem, said once the fields are valid."""
        problems: list[str] = []
        _unique(problems, "fields", [f.id for f in self.fields])
        _unique(problems, "counters", [c.id for c in self.counters])
        _unique(problems, "counters", [c.number for c in self.counters], what="number")
        _unique(problems, "devices", [d.id for d in self.devices])
        _unique(problems, "devices", [d.token for d in self.devices], what="token")
        levels = [lv.id for lv in self.ratings.effective_levels]
        _unique(problems, "ratings.levels", levels)
        field_ids = {f.id for f in self.fields}
        for i, c in enumerate(self.counters):
            for fid in c.fields:
                if fid not in field_ids:
                    problems.append(
                        f"counters[{i}].fields: unknown field {fid!r} (known: {', '.join(sorted(field_ids))})"
                    )
        for i, f in enumerate(self.fields):
            for g in self.fields[:i]:
                shared = f.numbering.shared_number(g.numbering)
                if shared is not None:
                    problems.append(
                        f"fields[{i}].numbering: field {f.id!r} ({f.numbering.describe()}) prints "
                        f"the same numbers as field {g.id!r} ({g.numbering.describe()}), e.g. "
                        f"{shared} (two citizens would hold one number): give each field its "
                        "own range or prefix")
        served = {fid for c in self.counters for fid in c.fields}
        for i, f in enumerate(self.fields):
            if f.id not in served:
                problems.append(f"fields[{i}]: field {f.id!r} is served by no counter")
            if f.daily_cap > f.numbering.capacity:
                problems.append(
                    f"fields[{i}].daily_cap: {f.daily_cap} is more than its numbering allows"
                    f" ({f.numbering.capacity})"
                )
        counter_ids = {c.id for c in self.counters}
        for i, d in enumerate(self.devices):
            if d.kind == "kiosk" and d.buttons:
                problems.append(f"devices[{i}].buttons: only a rating_station has buttons")
            pins = [b.pin for b in d.buttons]
            _unique(problems, f"devices[{i}].buttons", pins, what="pin")
            for j, b in enumerate(d.buttons):
                if b.counter not in counter_ids:
                    problems.append(f"devices[{i}].buttons[{j}].counter: unknown counter {b.counter!r}")
                if b.level not in levels:
                    problems.append(
                        f"devices[{i}].buttons[{j}].level: unknown level {b.level!r}"
                        f" (known: {', '.join(levels)})"
                    )
        if self.kiosk.device_id and self.kiosk.device_id not in {
            d.id for d in self.devices if d.kind == "kiosk"
        }:
            problems.append(f"kiosk.device_id: no kiosk device {self.kiosk.device_id!r} in [[devices]]")
        if problems:
            raise ValueError("; ".join(problems))

    # Look-ups -------------------------------------------------------------
    def field(self, field_id: str) -> FieldConfig | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def counter(self, counter_id: str) -> CounterConfig | None:
        return next((c for c in self.counters if c.id == counter_id), None)

    def device_by_token(self, token: str) -> DeviceConfig | None:
        return next((d for d in self.devices if d.token == token), None)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.centre.timezone)

    def field_hours(self, field: FieldConfig) -> Hours:
        return field.hours or self.centre.hours

    def slot_hours(self, field: FieldConfig) -> Hours:
        """The hours a field's slots are cut from (its ticket hours unless the plan names some)."""
        plan = field.appointments
        return (plan.hours if plan is not None and plan.hours is not None
                else self.field_hours(field))

    @property
    def data_path(self) -> Path:
        """Absolute data directory (the loader resolves it)."""
        return Path(self.centre.data_dir or ".").resolve()

    def resolve_path(self, value: str) -> Path:
        """A path from config: absolute as is, relative to the data directory otherwise."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.data_path / p

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_path / 'motcua.db'}"

    # Changes given on the command line --------------------------------------------------
    def with_server_url(self, url: str) -> Config:
        """This config with the devices' server at ``url`` (``--server``)."""
        if not re.match(r"^https?://[^/\s]+", url):
            raise ValueError(f"{url!r} is not a server address like http://192.168.1.10:8080")
        return replace(self, kiosk=replace(self.kiosk, server_url=url.rstrip("/")))

    def with_server_port(self, port: int) -> Config:
        """This config with the server on ``port`` and this machine's devices talking to it
        there (``motcua demo --port``)."""
        server = replace(self.server, port=port)
        return replace(self, server=server).with_server_url(f"http://127.0.0.1:{port}")


def _unique(problems: list[str], where: str, values: list, what: str = "id") -> None:
    seen: set = set()
    for v in values:
        if v in seen:
            problems.append(f"{where}: duplicate {what} {v!r}")
        seen.add(v)


def as_data(obj: Any) -> Any:
    """A config object as JSON-like data (tables, lists, text, numbers), without what the loader
    sets (``hidden``): to compare two configs, or show one."""
    if isinstance(obj, msgspec.Struct):
        hidden = getattr(obj, "hidden", ())
        return {name: as_data(getattr(obj, name)) for name in obj.__struct_fields__
                if name not in hidden}
    if isinstance(obj, list | tuple):
        return [as_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: as_data(v) for k, v in obj.items()}
    return msgspec.to_builtins(obj, enc_hook=str)
