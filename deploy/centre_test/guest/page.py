"""On the screen machine: what the screen's Chromium shows, read through its local DevTools port
with the watchdog's own client (standard library only). Prints one JSON line:
``{"href", "live", "text"}`` (the page's visible text), or ``{"error"}``.

    python3 page.py [--port 9222]
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import sys
import urllib.request

WATCHDOG = "/opt/motcua/libexec/motcua-screen-watchdog"
PROBE = ("JSON.stringify({href: location.href, live: document.body ? "
         "(document.body.dataset.live || '') : '', text: document.body ? "
         "document.body.innerText : ''})")


def main() -> int:
    port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 9222
    loader = importlib.machinery.SourceFileLoader("watchdog", WATCHDOG)
    spec = importlib.util.spec_from_loader("watchdog", loader)
    assert spec is not None
    wd = importlib.util.module_from_spec(spec)
    loader.exec_module(wd)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
            targets = json.loads(r.read().decode())
        page = next(t for t in targets if t.get("type") == "page")
        with wd.PageSession(page["webSocketDebuggerUrl"], 5.0) as session:
            result = session.call("Runtime.evaluate", {"expression": PROBE, "returnByValue": True})
        print(result["result"]["value"])
    except Exception as exc:  # noqa: BLE001 - reported, the caller retries
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
