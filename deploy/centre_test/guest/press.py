"""On the rating-station machine, with motcua's own Python: press buttons of this station on
gpiozero's mock pins (each held 150 ms, 1.7 s apart: longer than the per-counter lock-out), as a
citizen would. The presses go through the station's press filter into its outbox (the same file
the running motcua-rating-station service delivers from). Prints the outbox's counts by state,
and ``tried``: the pending presses whose delivery has already failed at least once.

    /opt/motcua/bin/python press.py DEVICE_ID PIN [PIN...]
    /opt/motcua/bin/python press.py DEVICE_ID            (only the counts)
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time

from gpiozero.pins.mock import MockFactory

from config import find_config, load_config
from kiosk.rating.outbox import Outbox
from kiosk.rating.station import RatingStation, outbox_path, rating_device


def main() -> int:
    config = load_config(find_config())
    device = rating_device(config, sys.argv[1])
    pins = [int(p) for p in sys.argv[2:]]
    outbox = Outbox(outbox_path(config, device.id))
    if pins:
        factory = MockFactory()
        # no sender here: the service's sender delivers what is stored
        station = RatingStation(device, outbox, None, pin_factory=factory,
                                levels=[lv.id for lv in config.ratings.effective_levels])
        try:
            for n, pin in enumerate(pins):
                if n:
                    time.sleep(1.7)
                p = factory.pin(pin)
                p.drive_low()
                time.sleep(0.15)
                p.drive_high()
        finally:
            station.close()
        outbox = Outbox(outbox_path(config, device.id))
    counts = outbox.counts()
    outbox.close()
    with sqlite3.connect(f"file:{outbox_path(config, device.id)}?mode=ro", uri=True) as db:
        counts["tried"] = db.execute("SELECT count(*) FROM outbox WHERE state = 'pending' "
                                     "AND attempts > 0").fetchone()[0]
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
