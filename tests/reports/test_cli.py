"""``motcua report``: printed tables and written files."""

from __future__ import annotations

import csv
import io
import os
import uuid

import openpyxl
import pytest
from click.testing import CliRunner

from motcua.cli.main import cli
from motcua.core.queue import QueueEngine
from tests.conftest import DEMO_CONFIG


@pytest.fixture
def run(data_dir):
    runner = CliRunner()
    env = {"MOTCUA_CONFIG": str(DEMO_CONFIG), "MOTCUA_DATA_DIR": str(data_dir)}

    def run(*args: str):
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def rated(db, config, clock) -> None:
    """Three tickets served and rated at quầy 3 on 25 November 2026."""
    engine = QueueEngine(config, db, clock=clock)
    for level in ("very_satisfied", "satisfied", "dissatisfied"):
        engine.issue("dat-dai")
        engine.call_next("quay-3")
        clock.advance(minutes=4)
        engine.finish("quay-3")
        engine.record_rating(str(uuid.uuid4()), "quay-3", level, clock.now)


def test_prints_a_table(run, rated) -> None:
    r = run("report", "satisfaction", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "counter")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("Báo cáo mức độ hài lòng — Bộ phận Một cửa UBND xã Phú Hòa — từ 01/11/2026")
    quay3 = next(line for line in lines if line.startswith("Quầy 3"))
    assert quay3.split()[2:4] == ["3", "1"] and quay3.endswith("66,67")


def test_writes_xlsx_and_csv(run, rated, tmp_path) -> None:
    out = tmp_path / "x.xlsx"
    r = run("report", "satisfaction", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "officer",
            "--by", "month", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.output
    ws = openpyxl.load_workbook(out).active
    assert ws["A5"].value == "Cán bộ" and ws["B5"].value == "Tháng"
    assert [c.value for c in ws[6]][:4] == ["Không xác định", "11/2026", 3, 1]
    out = tmp_path / "w.csv"
    assert run("report", "waiting", "--from", "2026-11-25", "--to", "2026-11-25", "--by", "service",
               "-o", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    dat_dai = next(row for row in rows if row[0] == "Đất đai")
    assert dat_dai[1:4] == ["3", "3", "3"]
    out = tmp_path / "d.csv"
    assert run("report", "dissatisfied", "--from", "2026-11-25", "--to", "2026-11-25",
               "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("1,25/11/2026 09:")


def test_user_errors_exit_1_with_one_line(run, rated, tmp_path) -> None:
    r = run("report", "satisfaction", "--from", "2026-11-30", "--to", "2026-11-01")
    assert r.exit_code == 1 and "sau ngày kết thúc" in r.output
    r = run("report", "waiting", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "level")
    assert r.exit_code == 1 and "Cách nhóm không hợp lệ" in r.output
    r = run("report", "waiting", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 1 and ".xlsx or .csv" in r.output


def test_no_database_yet(run, data_dir) -> None:
    assert not os.listdir(data_dir)
    r = run("report", "satisfaction", "--from", "2026-11-01", "--to", "2026-11-30")
    assert r.exit_code == 1 and "motcua init" in r.output


def test_appointments_report(run, db, config, clock, tmp_path) -> None:
    """A booking checked in and called 5 minutes into its slot, a walk-in called after 10."""
    from motcua.core.appointments import AppointmentBook

    book = AppointmentBook(QueueEngine(config, db, clock=clock))
    code = book.book("ho-tich", "2026-11-25", "09:30", name="Lê Văn Tư", phone="0912345678").appointment.code
    book.engine.issue("ho-tich")
    clock.advance(minutes=10)
    book.check_in(code, who="officer:an")
    for minutes in (0, 25):
        clock.advance(minutes=minutes)
        book.engine.call_next("quay-1")
        book.engine.finish("quay-1")
    r = run("report", "appointments", "--from", "2026-11-25", "--to", "2026-11-25", "--by", "service")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("Báo cáo lịch hẹn và khách không hẹn — ")
    row = next(line for line in lines if line.startswith("Tư pháp - Hộ tịch"))
    assert row.split()[5:12] == ["1", "0", "1", "0", "0", "0", "0,00"]
    out = tmp_path / "a.xlsx"
    assert run("report", "appointments", "--from", "2026-11-25", "--to", "2026-11-25",
               "-o", str(out)).exit_code == 0
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[5]][:2] == ["Tổng cộng", 1]
    assert [c.value for c in ws[5]][-8:-4] == [5.0, 5.0, 10.0, 10.0]
