"""The press filter on a hand-moved clock: bounce, held buttons, double presses, lock-out."""

from __future__ import annotations

import pytest

from kiosk.rating.debounce import BOUNCE_S, LOCKOUT_S, PressFilter


@pytest.fixture
def pf(mono) -> PressFilter:
    return PressFilter(clock=mono)


def edges(pf: PressFilter, mono, button, counter: str, states: list[bool], step_s: float) -> int:
    accepted = 0
    for state in states:
        accepted += pf.edge(button, counter, state)
        mono.advance(step_s)
    return accepted


def test_defaults_are_documented_values():
    assert (BOUNCE_S, LOCKOUT_S) == (0.05, 1.5)


def test_one_clean_press_is_one(pf, mono):
    assert pf.edge(5, "quay-1", True) is True
    mono.advance(0.2)
    assert pf.edge(5, "quay-1", False) is False


def test_bouncing_contacts_give_one(pf, mono):
    # closing: 9 edges 2 ms apart, then held; opening: 9 edges 2 ms apart
    closing = [True, False] * 4 + [True]
    opening = [False, True] * 4 + [False]
    assert edges(pf, mono, 5, "quay-1", closing, 0.002) == 1
    mono.advance(0.3)
    assert edges(pf, mono, 5, "quay-1", opening, 0.002) == 0


def test_bounce_alone_is_filtered_without_a_lockout(mono):
    pf = PressFilter(clock=mono, lockout_s=0)
    assert edges(pf, mono, 5, "quay-1", [True, False] * 5, 0.003) == 1
    mono.advance(BOUNCE_S)
    assert pf.edge(5, "quay-1", True) is True


def test_held_button_gives_one_however_long(pf, mono):
    assert pf.edge(5, "quay-1", True)
    for _ in range(100):  # a stuck button: time passes, a repeated press edge changes nothing
        mono.advance(LOCKOUT_S)
        assert pf.edge(5, "quay-1", True) is False
    pf.edge(5, "quay-1", False)


def test_flapping_contact_gives_one(pf, mono):
    # a faulty button toggling every 100 ms for a minute
    assert edges(pf, mono, 5, "quay-1", [True, False] * 300, 0.1) == 1


def test_double_press_within_lockout_is_one(pf, mono):
    assert edges(pf, mono, 5, "quay-1", [True, False], 0.15) == 1
    mono.advance(LOCKOUT_S - 0.2)
    assert edges(pf, mono, 5, "quay-1", [True, False], 0.15) == 0


def test_lockout_counts_from_the_release(pf, mono):
    assert pf.edge(5, "quay-1", True)
    mono.advance(5.0)  # held for 5 s
    pf.edge(5, "quay-1", False)
    mono.advance(LOCKOUT_S - 0.01)
    assert pf.edge(5, "quay-1", True) is False
    pf.edge(5, "quay-1", False)
    mono.advance(LOCKOUT_S)
    assert pf.edge(5, "quay-1", True) is True


def test_press_after_lockout_counts_again(pf, mono):
    for _ in range(10):
        assert edges(pf, mono, 5, "quay-1", [True, False], 0.1) == 1
        mono.advance(LOCKOUT_S)


def test_lockout_covers_the_other_buttons_of_the_counter(pf, mono):
    assert edges(pf, mono, 5, "quay-1", [True, False], 0.1) == 1
    assert edges(pf, mono, 13, "quay-1", [True, False], 0.1) == 0  # changed their mind at once


def test_other_counters_are_not_locked(pf, mono):
    assert edges(pf, mono, 5, "quay-1", [True, False], 0.1) == 1
    assert edges(pf, mono, 19, "quay-2", [True, False], 0.1) == 1


def test_taps_repeated_like_a_held_key_give_one(pf, mono):
    taps = 0
    for _ in range(60):  # keyboard auto-repeat: 30 taps a second for 2 s
        taps += pf.tap(("key", 1), "quay-1")
        mono.advance(1 / 30)
    assert taps == 1
    mono.advance(LOCKOUT_S)
    assert pf.tap(("key", 1), "quay-1") is True


def test_configurable_values(mono):
    pf = PressFilter(clock=mono, bounce_s=0.01, lockout_s=5.0)
    assert edges(pf, mono, 5, "quay-1", [True, False], 0.1) == 1
    mono.advance(4.0)
    assert pf.edge(5, "quay-1", True) is False
    pf.edge(5, "quay-1", False)
    mono.advance(5.0)
    assert pf.edge(5, "quay-1", True) is True
    with pytest.raises(ValueError):
        PressFilter(lockout_s=-1)
