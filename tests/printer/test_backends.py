"""Backends and the factory: what each one delivers, and the errors the kiosk can act on."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from escpos.printer import Dummy
from PIL import Image

from config import Config, PrinterConfig
from printer import (
    FilePrinter,
    FontMissing,
    MissingDependency,
    NetworkPrinter,
    NullPrinter,
    PreviewPrinter,
    PrinterError,
    PrinterOffline,
    PrinterStatus,
    TicketRenderer,
    encode_image,
    find_fonts,
    open_printer,
)
from printer.fonts import FontSet
from printer.ticket import TicketInfo

HAS_PYUSB = importlib.util.find_spec("usb") is not None
HAS_PYSERIAL = importlib.util.find_spec("serial") is not None


def test_network_printer_receives_exactly_the_dummy_bytes(fake_printer, fonts: FontSet,
                                                          ticket: TicketInfo) -> None:
    fake = fake_printer("ok")
    renderer = TicketRenderer(fonts, 80)
    printer = NetworkPrinter(renderer, "127.0.0.1", fake.port)
    printer.print_ticket(ticket)

    dummy = Dummy()
    dummy._raw(encode_image(renderer.render(ticket)))
    assert fake.wait_job() == dummy.output == printer.encode(ticket)
    assert fake.wait_job().startswith(b"\x1b@")


def test_network_printer_without_cut(fake_printer, fonts: FontSet, ticket: TicketInfo) -> None:
    fake = fake_printer("ok")
    NetworkPrinter(TicketRenderer(fonts, 58), "127.0.0.1", fake.port, cut=False).print_ticket(
        ticket)
    job = fake.wait_job()
    assert b"\x1dV" not in job[-8:] and job.endswith(b"\x1bd\x04")


def test_unreachable_network_printer_raises_offline(fonts: FontSet, ticket: TicketInfo,
                                                    closed_port: int) -> None:
    printer = NetworkPrinter(TicketRenderer(fonts), "127.0.0.1", closed_port)
    with pytest.raises(PrinterOffline, match=f"127.0.0.1:{closed_port} is not reachable"):
        printer.print_ticket(ticket)


def test_preview_writes_png_and_bin(tmp_path: Path, fonts: FontSet, ticket: TicketInfo) -> None:
    renderer = TicketRenderer(fonts, 58)
    printer = PreviewPrinter(renderer, tmp_path / "tickets")
    printer.print_ticket(ticket)
    printer.print_ticket(ticket)  # a reprint does not overwrite the first one
    pngs = sorted((tmp_path / "tickets").glob("*.png"))
    assert [p.name for p in pngs] == ["20260305-081500-1005-2.png", "20260305-081500-1005.png"]
    assert printer.last_path == pngs[0]
    for png in pngs:
        with Image.open(png) as img:
            assert img.size[0] == 384
            assert img.convert("1").tobytes() == renderer.render(ticket).tobytes()
        assert png.with_suffix(".bin").read_bytes() == printer.encode(ticket)


def test_preview_into_an_unwritable_place_raises_offline(tmp_path: Path, fonts: FontSet,
                                                         ticket: TicketInfo) -> None:
    (tmp_path / "file").write_text("x")
    printer = PreviewPrinter(TicketRenderer(fonts), tmp_path / "file" / "tickets")
    with pytest.raises(PrinterOffline, match="cannot write tickets"):
        printer.print_ticket(ticket)


def test_file_printer(tmp_path: Path, fonts: FontSet, ticket: TicketInfo) -> None:
    device = tmp_path / "lp0"
    printer = FilePrinter(TicketRenderer(fonts), device)
    assert printer.status() is PrinterStatus.OFFLINE  # unplugged: no device file
    with pytest.raises(PrinterOffline, match="does not exist"):
        printer.print_ticket(ticket)
    assert not device.exists()  # it never creates a plain file in place of the device

    device.write_bytes(b"")
    assert printer.status() is PrinterStatus.OK
    printer.print_ticket(ticket)
    assert device.read_bytes() == printer.encode(ticket)


def test_none_backend(tmp_path: Path, ticket: TicketInfo) -> None:
    printer = open_printer(PrinterConfig(backend="none", font="/nowhere.ttf"), data_dir=tmp_path)
    assert isinstance(printer, NullPrinter)  # needs no fonts
    assert printer.status() is PrinterStatus.OFFLINE
    assert "none" in printer.last_detail
    with pytest.raises(PrinterOffline, match="no printer"):
        printer.print_ticket(ticket)


@pytest.mark.skipif(HAS_PYUSB, reason="pyusb is installed")
def test_usb_without_pyusb_names_the_extra(tmp_path: Path) -> None:
    cfg = PrinterConfig(backend="usb", usb_vendor_id=0x0416, usb_product_id=0x5011)
    with pytest.raises(MissingDependency, match=r"pip install 'motcua\[usb\]'"):
        open_printer(cfg, data_dir=tmp_path)


@pytest.mark.skipif(HAS_PYSERIAL, reason="pyserial is installed")
def test_serial_without_pyserial_names_the_extra(tmp_path: Path) -> None:
    with pytest.raises(MissingDependency, match=r"pip install 'motcua\[serial\]'"):
        open_printer(PrinterConfig(backend="serial"), data_dir=tmp_path)


def test_network_needs_a_host(tmp_path: Path) -> None:
    with pytest.raises(PrinterError, match="printer.host"):
        open_printer(PrinterConfig(backend="network"), data_dir=tmp_path)


def test_factory_builds_each_backend(tmp_path: Path, fonts: FontSet) -> None:
    preview = open_printer(PrinterConfig(paper_width_mm=58, cut=False, timeout_s=1.5),
                           data_dir=tmp_path)
    assert isinstance(preview, PreviewPrinter)
    assert preview.folder == tmp_path / "tickets"
    assert preview.renderer is not None and preview.renderer.width == 384
    assert preview.cut is False and preview.timeout_s == 1.5
    net = open_printer(PrinterConfig(backend="network", host="10.0.0.9", port=9101),
                       data_dir=tmp_path)
    assert isinstance(net, NetworkPrinter) and net.describe() == "network printer 10.0.0.9:9101"
    dev = open_printer(PrinterConfig(backend="file", path="/dev/usb/lp1"), data_dir=tmp_path)
    assert isinstance(dev, FilePrinter) and dev.path == Path("/dev/usb/lp1")
    rel = open_printer(PrinterConfig(backend="preview", preview_dir="/abs/previews"),
                       data_dir=tmp_path)
    assert isinstance(rel, PreviewPrinter) and rel.folder == Path("/abs/previews")


def test_demo_config_prints_into_its_data_dir(demo: Config, ticket: TicketInfo) -> None:
    printer = open_printer(demo.printer, data_dir=demo.data_path)
    assert printer.status() is PrinterStatus.OK
    printer.print_ticket(ticket)
    assert isinstance(printer, PreviewPrinter)
    assert printer.last_path is not None
    assert printer.last_path.parent == demo.data_path / "tickets"


def test_missing_system_font_names_the_file_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(FontMissing) as err:
        find_fonts(dirs=(tmp_path,))
    message = str(err.value)
    assert "DejaVuSans.ttf" in message and "apt-get install fonts-dejavu-core" in message


def test_missing_configured_font_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match=r"fonts/Roboto\.ttf \(printer\.font\) not found"):
        open_printer(PrinterConfig(font="fonts/Roboto.ttf"), data_dir=tmp_path)


def test_broken_font_file_fails_when_opening(tmp_path: Path) -> None:
    (tmp_path / "broken.ttf").write_bytes(b"not a font")
    with pytest.raises(FontMissing, match="cannot load font .*broken.ttf"):
        open_printer(PrinterConfig(font="broken.ttf"), data_dir=tmp_path)


def test_configured_font_relative_to_data_dir(tmp_path: Path, fonts: FontSet) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "my.ttf").write_bytes(fonts.regular.read_bytes())
    found = find_fonts("fonts/my.ttf", base_dir=tmp_path)
    assert found.regular == found.bold == tmp_path / "fonts" / "my.ttf"
    with pytest.raises(FontMissing, match="printer.font_bold"):
        find_fonts("fonts/my.ttf", "fonts/missing-bold.ttf", base_dir=tmp_path)


def test_missing_logo_is_skipped(tmp_path: Path, fonts: FontSet, ticket: TicketInfo,
                                 caplog) -> None:
    printer = open_printer(PrinterConfig(logo="logo.png"), data_dir=tmp_path)
    assert printer.renderer is not None and printer.renderer.logo is None
    assert "logo.png not found" in caplog.text
    (tmp_path / "logo.png").write_bytes(b"not a picture")
    printer = open_printer(PrinterConfig(logo="logo.png"), data_dir=tmp_path)
    assert printer.renderer is not None and printer.renderer.logo is None
    assert "cannot read logo" in caplog.text
    Image.new("RGB", (300, 100), "black").save(tmp_path / "logo.png")
    printer = open_printer(PrinterConfig(logo="logo.png"), data_dir=tmp_path)
    assert printer.renderer is not None and printer.renderer.logo is not None
    _, placed = printer.renderer.render_with_layout(ticket)
    assert placed[0].kind == "logo"
