"""Schemathesis against a live server, from its own OpenAPI document: as an anonymous client, as
an admin and as the kiosk, no request may get a 5xx or an answer that breaks the document.

The document names the ids the server accepts (fields, counters, rating levels from the config)
and the report dates, so the generated requests reach the queue's logic. Checks: all of
schemathesis's, except that every schema-valid request must succeed: rules that JSON Schema
cannot state (a report's from <= to and at most five years; a press not in the future) refuse
some of them with a 400 on purpose."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import KIOSK_TOKEN, RATING_TOKEN

pytestmark = pytest.mark.slow
ST = Path(sys.executable).with_name("st")
EXAMPLES = 25  # per operation and phase: about 2,500 requests a run
CHECKS = ["--checks", "all", "--exclude-checks", "positive_data_acceptance", "--seed", "20261206",
          "--no-color"]


def schemathesis(url: str, *args: str) -> None:
    if not ST.exists():
        pytest.skip("schemathesis is not installed (./install.sh dev installs it)")
    r = subprocess.run([str(ST), "run", url, *CHECKS, *args], capture_output=True, text=True,
                       timeout=900)
    report = r.stdout[-15000:] + r.stderr[-2000:]
    assert r.returncode == 0, report
    assert "passed" in r.stdout.split("SUMMARY")[-1], report


@pytest.mark.parametrize("who", ["anonymous", "admin", "kiosk", "rating station"])
def test_fuzzing_finds_no_server_error_and_no_answer_against_the_document(live_server,
                                                                         who: str) -> None:
    token = {"kiosk": KIOSK_TOKEN, "rating station": RATING_TOKEN}.get(who)
    if who == "admin":
        r = requests.post(live_server.api("/auth/login"), timeout=10,
                          json={"username": "admin", "password": "matkhau-123"})
        token = r.json()["token"]
    auth = ["-H", f"Authorization: Bearer {token}"] if token else []
    # the event stream never ends by itself: it has a test of its own below
    schemathesis(live_server.api("/openapi.json"), "--exclude-path", "/events",
                 "--max-examples", str(EXAMPLES), "--request-timeout", "30", *auth)


def test_the_event_stream_under_fuzzing(live_server) -> None:
    """Odd Last-Event-IDs; each stream is read for a second and its events checked against the
    document's schema of one event."""
    schemathesis(live_server.api("/openapi.json"), "--include-path", "/events",
                 "--max-examples", "5", "--request-timeout", "1")
