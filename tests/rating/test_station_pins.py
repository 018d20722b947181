"""The station on gpiozero mock pins: edges -> filter -> outbox, confirmation, the demo keys."""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from gpiozero import Device
from gpiozero.exc import BadPinFactory
from gpiozero.pins.mock import MockFactory
from msgspec.structs import asdict, replace

from kiosk.rating import buttons
from kiosk.rating.debounce import LOCKOUT_S
from kiosk.rating.outbox import Outbox
from kiosk.rating.station import RatingStation, StationError, outbox_path, rating_device

HANG_GUARD_S = 30.0


@pytest.fixture
def make_station(config, factory, mono):
    made: list[RatingStation] = []

    def make(device_id: str = "danh-gia-1", *, cfg=None, device=None, client=None, **kw) -> RatingStation:
        cfg = cfg or config
        device = device or rating_device(cfg, device_id)
        station = RatingStation(device, Outbox(outbox_path(cfg, device.id)), client,
                                levels=[lv.id for lv in cfg.ratings.effective_levels],
                                pin_factory=factory, monotonic=mono, **kw)
        made.append(station)
        return station

    yield make
    for station in made:
        station.close()


def stored(station: RatingStation) -> list[tuple[str, str]]:
    return [(i.counter_id, i.level) for i in station.outbox.items()]


def test_each_button_records_its_counter_and_level(make_station, factory, mono, press):
    station = make_station()
    for pin in (5, 6, 13, 19, 26, 21):
        press(factory.pin(pin), mono)
    assert stored(station) == [
        ("quay-1", "very_satisfied"), ("quay-1", "satisfied"), ("quay-1", "dissatisfied"),
        ("quay-2", "very_satisfied"), ("quay-2", "satisfied"), ("quay-2", "dissatisfied"),
    ]


def test_bouncing_presses_give_one_rating_each(make_station, factory, mono, press):
    station = make_station()
    for _ in range(10):
        press(factory.pin(13), mono, bounces=6, gap_s=LOCKOUT_S)
    assert stored(station) == [("quay-1", "dissatisfied")] * 10


def test_held_button_gives_one_and_presses_after_the_lockout_count(make_station, factory, mono, press):
    station = make_station()
    pin = factory.pin(5)
    pin.drive_low()
    mono.advance(120)  # stuck for two minutes
    pin.drive_high()
    assert len(stored(station)) == 1
    mono.advance(LOCKOUT_S / 2)
    press(factory.pin(6), mono, gap_s=0)  # too soon after the release
    assert len(stored(station)) == 1
    mono.advance(LOCKOUT_S)
    press(factory.pin(6), mono)
    assert stored(station) == [("quay-1", "very_satisfied"), ("quay-1", "satisfied")]


def test_double_press_is_one_but_two_counters_at_once_are_two(make_station, factory, mono, press):
    station = make_station()
    press(factory.pin(5), mono, gap_s=0.3)
    press(factory.pin(5), mono, gap_s=0)
    press(factory.pin(19), mono, gap_s=0)
    assert stored(station) == [("quay-1", "very_satisfied"), ("quay-2", "very_satisfied")]


def test_press_time_is_aware_utc_from_the_injected_clock(make_station, factory, mono, press):
    t = datetime(2026, 11, 25, 2, 15, 30, 250000, tzinfo=UTC)
    station = make_station(now=lambda: t)
    press(factory.pin(26), mono)
    [item] = station.outbox.items()
    assert item.pressed_at == t
    assert item.pressed_at.utcoffset() == timedelta(0)


def test_demo_keys_are_the_first_counters_levels_in_config_order(make_station, mono):
    station = make_station()
    got = []
    for digit in (1, 2, 3, 4, 0):
        got.append(station.press_key(digit))
        mono.advance(LOCKOUT_S)
    assert got == [True, True, True, False, False]
    assert stored(station) == [("quay-1", "very_satisfied"), ("quay-1", "satisfied"),
                               ("quay-1", "dissatisfied")]


def test_demo_keys_with_the_neutral_level(make_config, make_station, mono):
    cfg = make_config(ratings={"include_neutral": True})
    station = make_station("danh-gia-2", cfg=cfg)
    for digit in (1, 2, 3, 4):
        assert station.press_key(digit)
        mono.advance(LOCKOUT_S)
    assert stored(station) == [("quay-3", "very_satisfied"), ("quay-3", "satisfied"),
                               ("quay-3", "neutral"), ("quay-3", "dissatisfied")]


def test_demo_keys_share_the_buttons_debounce(make_station, factory, mono, press):
    station = make_station()
    press(factory.pin(5), mono, gap_s=0.1)
    assert station.press_key(3) is False  # same counter, within the lock-out
    for _ in range(60):  # a held key repeats
        station.press_key(1)
        mono.advance(1 / 30)
    assert len(stored(station)) == 1


def led_device(config):
    return replace(rating_device(config, "danh-gia-1"), led_pin=17, buzzer_pin=18)


def test_confirmation_only_for_accepted_presses(make_station, config, factory, mono, press,
                                                monkeypatch):
    station = make_station(device=led_device(config))
    confirmed = []
    monkeypatch.setattr(station.confirmer, "confirm", lambda: confirmed.append(mono()))
    press(factory.pin(5), mono, bounces=4, gap_s=0.2)
    press(factory.pin(6), mono, gap_s=LOCKOUT_S)
    press(factory.pin(6), mono)
    assert len(confirmed) == 2 == len(stored(station))


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def test_confirmation_blinks_the_led_and_beeps(make_station, config, factory, mono, press):
    make_station(device=led_device(config))
    led, buzzer = factory.pin(17), factory.pin(18)
    press(factory.pin(5), mono)
    for pin in (led, buzzer):  # on once, then off again
        wait_for(lambda p=pin: [s.state for s in p.states][-2:] == [True, False], f"pin {pin}")
        assert [s.state for s in pin.states] == [False, True, False]


def test_no_led_or_buzzer_configured(make_station):
    assert make_station().confirmer is None


def test_a_broken_outbox_loses_the_press_loudly_but_keeps_running(make_station, factory, mono,
                                                                  press, caplog):
    station = make_station()
    station.outbox.close()
    with caplog.at_level("ERROR", logger="kiosk.rating"):
        press(factory.pin(5), mono)
    assert "could not store a press of quay-1 / very_satisfied" in caplog.text
    assert station.press_key(1) is False


def test_closing_releases_the_pins_for_a_new_station(make_station, factory, mono, press):
    first = make_station()
    press(factory.pin(5), mono)
    first.close()
    press(factory.pin(5), mono)  # nobody listens
    second = make_station()
    press(factory.pin(6), mono)
    assert stored(second) == [("quay-1", "very_satisfied"), ("quay-1", "satisfied")]


def test_rating_device_lookup(config, make_config):
    assert rating_device(config).id == "danh-gia-1"
    assert rating_device(config, "danh-gia-2").id == "danh-gia-2"
    with pytest.raises(StationError, match="no rating station 'kiosk-1'.*danh-gia-1, danh-gia-2"):
        rating_device(config, "kiosk-1")
    no_stations = make_config(devices=[asdict(d) for d in config.devices if d.kind == "kiosk"])
    with pytest.raises(StationError, match="no device with kind"):
        rating_device(no_stations)


def test_pin_factory_mock_on_request():
    factory, is_mock = buttons.pin_factory(mock=True)
    assert isinstance(factory, MockFactory) and is_mock


def test_pin_factory_falls_back_to_mock_without_gpio(monkeypatch, caplog):
    def no_gpio():
        raise BadPinFactory("Unable to load any default pin factory!")

    monkeypatch.setattr(Device, "ensure_pin_factory", staticmethod(no_gpio))
    with caplog.at_level("WARNING", logger="kiosk.rating.buttons"):
        factory, is_mock = buttons.pin_factory()
    assert isinstance(factory, MockFactory) and is_mock
    assert "no GPIO on this machine" in caplog.text


def test_pin_factory_uses_the_real_one_when_present(monkeypatch):
    real = object()
    monkeypatch.setattr(Device, "ensure_pin_factory", staticmethod(lambda: None))
    monkeypatch.setattr(Device, "pin_factory", real)
    assert buttons.pin_factory() == (real, False)


def test_a_pi_without_lgpio_is_an_error_not_silent_mock_pins(monkeypatch, tmp_path):
    from motcua.core.extras import MissingExtra

    model = tmp_path / "model"
    model.write_bytes(b"Raspberry Pi 4 Model B Rev 1.5\x00")
    assert buttons.is_raspberry_pi(model) and not buttons.is_raspberry_pi(tmp_path / "none")
    monkeypatch.setattr(buttons, "is_raspberry_pi", lambda: True)
    monkeypatch.setitem(sys.modules, "lgpio", None)  # not installed
    with pytest.raises(MissingExtra, match="needs the 'gpio' extra") as info:
        buttons.pin_factory()
    assert "install" in str(info.value) and "\n" not in str(info.value)
    assert buttons.pin_factory(mock=True)[1]  # mock pins asked for: no lgpio needed


def test_from_config_puts_the_outbox_in_the_data_dir(config, factory, fake_client):
    station = RatingStation.from_config(config, "danh-gia-2", factory=factory, client=fake_client())
    try:
        assert station.outbox.path == config.data_path / "rating-outbox-danh-gia-2.db"
        assert station.first_counter == "quay-3"
        assert station.sender is not None
    finally:
        station.close()


def test_counts_by_counter_and_level_over_many_presses(make_station, factory, mono, press):
    station = make_station("danh-gia-2")
    plan = [16, 20, 12, 5, 6, 13, 19, 26, 21] * 5
    for pin in plan:
        press(factory.pin(pin), mono, bounces=2)
    device = station.device
    by_pin = {b.pin: (b.counter, b.level) for b in device.buttons}
    assert Counter(stored(station)) == Counter(by_pin[p] for p in plan)
