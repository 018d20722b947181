"""Child process for the power-loss test: run the stations named in a press plan on mock pins,
make the presses, print ``pressed N`` once they are all stored, then wait to be killed.

    python _station_proc.py CONFIG DATA_DIR PLAN_JSON      (PLAN_JSON: [[device_id, pin, bounces], ...])
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from gpiozero.pins.mock import MockFactory

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mock import MonoClock, press  # noqa: E402

from config import load_config  # noqa: E402
from kiosk.rating.sender import Backoff  # noqa: E402
from kiosk.rating.station import RatingStation  # noqa: E402


def main() -> None:
    config_path, data_dir, plan_json = sys.argv[1:4]
    cfg = load_config(Path(config_path), env={"MOTCUA_DATA_DIR": data_dir})
    plan = json.loads(plan_json)
    stations = {}
    for device_id in dict.fromkeys(d for d, _, _ in plan):
        factory, clock = MockFactory(), MonoClock()
        station = RatingStation.from_config(cfg, device_id, factory=factory, monotonic=clock,
                                            backoff=Backoff(0.05, 2, 0.5))
        station.start()
        stations[device_id] = (factory, clock)
    for device_id, pin, bounces in plan:
        factory, clock = stations[device_id]
        press(factory.pin(pin), clock, bounces=bounces)
    print(f"pressed {len(plan)}", flush=True)
    time.sleep(600)  # killed by the test long before


if __name__ == "__main__":
    main()
