"""Run in a rating-station role's own environment: press the first button of a station on
gpiozero's mock pins, as a citizen would (held 150 ms), wait until the server has it, and print
the outbox's counts by state (``{"sent": 1}`` when the press was stored once and delivered).

    python _press.py DEVICE_ID          (config and data directory from $MOTCUA_CONFIG, $MOTCUA_DATA_DIR)
"""

from __future__ import annotations

import json
import sys
import time

from gpiozero.pins.mock import MockFactory

from config import find_config, load_config
from kiosk.rating.station import RatingStation


def main() -> int:
    config = load_config(find_config())
    factory = MockFactory()
    with RatingStation.from_config(config, sys.argv[1], factory=factory) as station:
        station.start()
        pin = factory.pin(station.device.buttons[0].pin)
        pin.drive_low()
        time.sleep(0.15)
        pin.drive_high()
        deadline = time.monotonic() + 60
        while station.outbox.backlog() and time.monotonic() < deadline:
            time.sleep(0.1)
        counts = station.outbox.counts()
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
