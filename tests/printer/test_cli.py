"""``motcua printer status|test|preview`` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from msgspec.structs import replace
from PIL import Image

from config import Config, PrinterConfig
from motcua.cli.printer import printer


class Root:
    """What the main CLI puts in ``ctx.obj``: something with ``config()``."""

    def __init__(self, config: Config) -> None:
        self._config = config

    def config(self) -> Config:
        return self._config


def run(config: Config, *args: str):
    return CliRunner().invoke(printer, list(args), obj=Root(config))


def with_printer(config: Config, **printer_keys: object) -> Config:
    return replace(config, printer=PrinterConfig(**printer_keys))


def test_status_of_the_demo_preview_printer(demo: Config, fonts) -> None:
    result = run(demo, "status")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("preview printer") and ": ok (" in result.output


def test_test_prints_a_sample_ticket(demo: Config, fonts) -> None:
    result = run(demo, "test", "--number", "2042", "--field", "chung-thuc")
    assert result.exit_code == 0, result.output
    pngs = list((demo.data_path / "tickets").glob("*-2042.png"))
    assert len(pngs) == 1 and pngs[0].with_suffix(".bin").stat().st_size > 1000
    assert f"Wrote {pngs[0]}" in result.output


@pytest.mark.parametrize("width", ["58", "80"])
def test_preview(demo: Config, fonts, tmp_path: Path, width: str) -> None:
    out, raw = tmp_path / "t.png", tmp_path / "t.bin"
    result = run(demo, "preview", "--number", "A005", "-o", str(out), "--width", width,
                 "--field-name", "Một lĩnh vực có tên rất dài để thử việc xuống dòng",
                 "--priority", "--raw", str(raw))
    assert result.exit_code == 0, result.output
    with Image.open(out) as img:
        assert img.width == {"58": 384, "80": 576}[width]
    assert raw.read_bytes().startswith(b"\x1b@")
    assert f"{width} mm paper" in result.output


def test_status_paper_out_exits_1_with_one_line(demo: Config, fonts, fake_printer) -> None:
    fake = fake_printer("paper_out")
    cfg = with_printer(demo, backend="network", host="127.0.0.1", port=fake.port)
    result = run(cfg, "status")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "paper_out" in result.output and "new roll" in result.output


def test_test_refuses_when_the_cover_is_open(demo: Config, fonts, fake_printer) -> None:
    fake = fake_printer("cover_open")
    cfg = with_printer(demo, backend="network", host="127.0.0.1", port=fake.port)
    result = run(cfg, "test")
    assert result.exit_code == 1 and "cover_open" in result.output
    assert all(b"\x1dv0" not in job for job in fake.received)  # nothing printed


def test_test_on_a_network_printer(demo: Config, fonts, fake_printer) -> None:
    fake = fake_printer("ok")
    cfg = with_printer(demo, backend="network", host="127.0.0.1", port=fake.port)
    result = run(cfg, "test")
    assert result.exit_code == 0, result.output
    assert f"Sent a sample ticket to network printer 127.0.0.1:{fake.port}" in result.output
    job = fake.wait_job(connections=2)  # a status query, then the ticket
    assert fake.received[0].startswith(b"\x10\x04\x01")
    assert job.startswith(b"\x1b@") and job.endswith(b"\x1dV\x00")


@pytest.mark.parametrize(
    ("args", "printer_keys", "message"),
    [
        (["preview", "--field", "nope"], {}, "unknown field 'nope'"),
        (["preview", "-o", "/nonexistent/dir/t.png"], {}, "cannot write /nonexistent/dir/t.png"),
        (["status"], {"backend": "none"}, "offline"),
        (["test"], {"font": "missing.ttf"}, "missing.ttf (printer.font) not found"),
        (["status"], {"backend": "network"}, "printer.host is required"),
    ],
)
def test_errors_are_one_line(demo: Config, fonts, args: list[str], printer_keys: dict,
                             message: str) -> None:
    cfg = with_printer(demo, **printer_keys) if printer_keys else demo
    result = run(cfg, *args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert message in result.output
    assert "Traceback" not in result.output
