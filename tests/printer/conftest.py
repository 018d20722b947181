"""Fixtures for the printer tests: fonts, a fixed ticket, and a fake ESC/POS network printer."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config import Config, load_config
from printer.errors import FontMissing
from printer.fonts import FontSet, find_fonts
from printer.ticket import TicketInfo

ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = ROOT / "config" / "demo.toml"

# Replies to DLE EOT 1 (printer), 2 (offline cause) and 4 (paper sensor), as real printers
# send them: bits 1 and 4 are always set.
SCENARIOS: dict[str, dict[int, int]] = {
    "ok": {1: 0x16, 2: 0x12, 4: 0x12},
    "paper_low": {1: 0x16, 2: 0x12, 4: 0x1E},
    "paper_out": {1: 0x1E, 2: 0x32, 4: 0x72},
    "cover_open": {1: 0x1E, 2: 0x16, 4: 0x12},
    "offline": {1: 0x1A, 2: 0x12, 4: 0x12},
    "error": {1: 0x1A, 2: 0x52, 4: 0x12},  # unrecoverable error: offline, no other cause
    "garbage": {1: 0xFF, 2: 0xFF, 4: 0xFF},  # not a status byte at all
    "silent": {},  # accepts the connection, never answers
}


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    try:
        return find_fonts()
    except FontMissing as exc:
        pytest.skip(f"DejaVu Sans is not installed: {exc}")


@pytest.fixture
def ticket() -> TicketInfo:
    """A fixed ticket: 08:15 on 5 March 2026 in Viet Nam."""
    return TicketInfo(
        centre_name="Trung tâm Phục vụ hành chính công",
        commune="Phường Phú Hòa",
        number="1005",
        field_name="Tư pháp - Hộ tịch",
        counters=("Quầy 1", "Quầy 2"),
        people_ahead=3,
        estimated_wait_s=900,
        priority=False,
        issued_at=datetime(2026, 3, 5, 1, 15, tzinfo=UTC),
        track_url="http://192.168.1.10:8080/t/1005",
    )


@pytest.fixture
def demo(tmp_path: Path) -> Config:
    """The demo config with its data dir in a temporary folder."""
    return load_config(DEMO_CONFIG, env={"MOTCUA_DATA_DIR": str(tmp_path / "data")})


@dataclass
class FakePrinter:
    """A threaded TCP server that behaves like an ESC/POS printer on port 9100."""

    replies: dict[int, int]
    server: socketserver.ThreadingTCPServer | None = None
    received: list[bytes] = field(default_factory=list)
    closed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    def wait_job(self, connections: int = 1, timeout: float = 5.0) -> bytes:
        """The bytes of the last connection, once ``connections`` have been closed."""
        with self.closed:
            ok = self.closed.wait_for(lambda: len(self.received) >= connections, timeout)
        assert ok, "the printer connection was not closed"
        return self.received[-1]


def _handler(fake: FakePrinter) -> type[socketserver.BaseRequestHandler]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data = bytearray()
            scanned = 0
            try:
                while chunk := self.request.recv(65536):
                    data += chunk
                    while (i := data.find(b"\x10\x04", scanned)) != -1 and i + 2 < len(data):
                        n = data[i + 2]
                        if n in fake.replies:
                            self.request.sendall(bytes((fake.replies[n],)))
                        scanned = i + 3
            except OSError:
                pass
            with fake.closed:
                fake.received.append(bytes(data))
                fake.closed.notify_all()

    return Handler


@pytest.fixture
def fake_printer() -> Iterator[Callable[[str], FakePrinter]]:
    """Start fake printers answering like ``SCENARIOS[name]``; stopped after the test."""
    servers: list[socketserver.ThreadingTCPServer] = []

    def start(scenario: str) -> FakePrinter:
        fake = FakePrinter(SCENARIOS[scenario])
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(fake))
        server.daemon_threads = True
        fake.server = server
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return fake

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A local port nobody listens on: connecting is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
