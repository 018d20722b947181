"""On the kiosk machine, with motcua's own Python: issue tickets with the kiosk's token and its own
HTTP client, as the kiosk app does when a citizen touches a field. One JSON line per ticket.

    /opt/motcua/bin/python issue.py FIELD COUNT [--retry-s S] [--until-refused]

Each ticket has its own request_id; after no answer (the server restarting, the machine off) the
same request_id is sent again, so a ticket is acknowledged once: ``{"request_id", "id",
"number"}``. A refusal is ``{"refused": status, "code", "message"}``; with --until-refused the
first refusal ends the run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid

from config import find_config, load_config
from kiosk.client import ServerClient, ServerRefused, ServerUnreachable


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("field")
    ap.add_argument("count", type=int)
    ap.add_argument("--retry-s", type=float, default=90.0)
    ap.add_argument("--until-refused", action="store_true")
    ap.add_argument("--pause-s", type=float, default=0.0)
    args = ap.parse_args()
    config = load_config(find_config())
    wanted = config.kiosk.device_id
    kiosk = next(d for d in config.devices if d.kind == "kiosk" and (not wanted or d.id == wanted))
    client = ServerClient(config.kiosk.server_url, kiosk.token, timeout_s=5.0)
    for _ in range(args.count):
        request_id = str(uuid.uuid4())
        deadline = time.monotonic() + args.retry_s
        while True:
            try:
                t = client.issue(args.field, request_id=request_id)
                print(json.dumps({"request_id": request_id, "id": t.data["id"],
                                  "number": t.number, "created": t.created}), flush=True)
                break
            except ServerRefused as exc:
                print(json.dumps({"refused": exc.status, "code": exc.code, "message": exc.message,
                                  "request_id": request_id}, ensure_ascii=False), flush=True)
                if args.until_refused:
                    return 0
                if exc.status < 500 or time.monotonic() > deadline:
                    break
                time.sleep(1)
            except ServerUnreachable:
                if time.monotonic() > deadline:  # the server is not coming back: stop here
                    print(json.dumps({"unacknowledged": request_id}), flush=True)
                    return 1
                time.sleep(0.5)
        time.sleep(args.pause_s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
