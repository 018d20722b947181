"""Idle timeout, the hidden exit gesture, the PIN pad, a scanner on the home screen and the demo's
rating keys, without a window."""

from __future__ import annotations

from kiosk.session import CornerTaps, IdleTimer, LoneKeys, PinPad, ScanReader

W, H = 800, 480  # Kivy: origin bottom-left, so the top-left corner is (0, H)


def test_idle_timer():
    t = IdleTimer(30, now=100)
    assert not t.expired(129.9)
    assert t.expired(130)
    t.touch(125)
    assert not t.expired(150)


def test_five_taps_in_the_corner_within_three_seconds():
    taps = CornerTaps()
    assert [taps.tap(5, H - 5, W, H, now=0.5 * i) for i in range(5)] == [False] * 4 + [True]
    # The count starts again after a success.
    assert not taps.tap(5, H - 5, W, H, now=3.0)


def test_slow_taps_do_not_open_it():
    taps = CornerTaps()
    assert not any(taps.tap(5, H - 5, W, H, now=1.0 * i) for i in range(5))  # 0..4 s
    quick = [taps.tap(5, H - 5, W, H, now=4.0 + 0.1 * i) for i in range(1, 5)]
    assert quick == [False, True, False, False]  # at 4.2 s the last five span 2.2 s


def test_a_touch_elsewhere_starts_again():
    taps = CornerTaps()
    for i in range(4):
        taps.tap(5, H - 5, W, H, now=0.1 * i)
    assert not taps.tap(400, 240, W, H, now=0.5)
    assert not taps.tap(5, H - 5, W, H, now=0.6)


def test_the_corner_is_small_and_top_left():
    taps = CornerTaps(size=0.12)
    side = 0.12 * 480
    assert taps.in_corner(side - 1, H - side + 1, W, H)
    assert not taps.in_corner(side + 1, H - 1, W, H)
    assert not taps.in_corner(1, 1, W, H)  # bottom-left
    assert not taps.in_corner(W - 1, H - 1, W, H)  # top-right


def test_pin_pad_takes_digits_only():
    pad = PinPad("1234")
    for key in "12a3-4":
        pad.press(key)
    assert pad.entered == "1234" and pad.masked == "••••"
    assert pad.check() and pad.entered == ""
    pad.press("9")
    assert not pad.check()
    pad.press("1")
    pad.clear()
    assert pad.entered == ""


def test_without_a_pin_nobody_can_leave():
    pad = PinPad("")
    assert not pad.enabled
    assert not pad.check()


def scan(reader: ScanReader, text: str, start: float, per_key: float = 0.01) -> str | None:
    """``text`` typed as a scanner types it, then Enter."""
    for i, ch in enumerate(text):
        reader.key(ch, start + i * per_key)
    return reader.enter(start + len(text) * per_key)


def test_a_scanner_on_the_home_screen_gives_the_booking_code():
    reader = ScanReader()
    assert scan(reader, "482917", 10.0) == "482917"
    assert scan(reader, "48-29 17", 20.0) == "482917"  # what CodeEntry ignores, ignored here too
    assert reader.enter(21.0) is None  # Enter alone: nothing typed since the last one


def test_only_six_digits_typed_at_once_make_a_code():
    reader = ScanReader()
    assert scan(reader, "48291", 10.0) is None
    assert scan(reader, "4829170", 20.0) is None
    assert scan(reader, "https://x/482917", 30.0) is None
    assert scan(reader, "４８２９１７", 40.0) is None  # full-width digits are not a code
    reader.key("7", 50.0)  # a stray key long before the scan is forgotten
    assert scan(reader, "482917", 60.0) == "482917"
    assert scan(reader, "482917", 70.0, per_key=2.0) is None  # a person, key by slow key
    for ch in "482917":
        reader.key(ch, 80.0)
    assert reader.enter(85.0) is None  # Enter long after the keys


def test_the_scan_buffer_is_bounded():
    reader = ScanReader(limit=8)
    for i in range(10_000):
        reader.key("x", 1.0 + i * 1e-6)
    assert len(reader.typed) == 8
    assert scan(reader, "482917", 5.0) == "482917"  # after a pause


def rating_keys(keys: LoneKeys, presses: list[tuple[str, float]]) -> list[str]:
    """The keys ``LoneKeys`` lets through when each is asked for as the app asks: ``burst_s``
    + 0.05 after each key, in time order with the keys."""
    events = [(t, 0, ch) for ch, t in presses] + [(t + keys.burst_s + 0.05, 1, "") for _, t in presses]
    out = []
    for t, is_check, ch in sorted(events):
        if is_check:
            got = keys.due(t)
            out += [got] if got is not None else []
        else:
            keys.key(ch, t)
    return out


def test_rating_keys_pressed_alone_are_ratings():
    keys = LoneKeys()
    assert rating_keys(keys, [("1", 10.0), ("3", 11.0), ("2", 11.5), ("a", 12.0), ("4", 13.0)]) == [
        "1", "3", "2", "4"]
    assert keys.due(100.0) is None  # each key once


def test_a_scanners_digits_are_not_ratings():
    keys = LoneKeys()
    scan = [(ch, 10.0 + i * 0.01) for i, ch in enumerate("482917")] + [("", 10.06)]  # Enter
    assert rating_keys(keys, scan) == []
    assert rating_keys(keys, [(ch, 20.0 + i * 0.01) for i, ch in enumerate("1234")]) == []
    assert rating_keys(keys, [("2", 30.0)]) == ["2"]  # a person's key after the scan


def test_a_held_rating_key_is_one_rating():
    keys = LoneKeys()
    repeats = [("1", 10.0)] + [("1", 10.5 + i * 0.03) for i in range(20)]  # auto-repeat
    assert rating_keys(keys, repeats) == ["1"]
