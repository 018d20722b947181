"""The appointments report over HTTP (the app in the test's process, on the test's clock):
admins only, JSON per the OpenAPI document, CSV and XLSX downloads."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.reports.test_api import validator

TODAY = "2026-11-25"
PATH = "/reports/appointments"


@pytest.fixture(autouse=True)
def on_a_wednesday_morning(app_server, clock) -> None:
    """The server's queue runs on the test's clock: Wednesday 2026-11-25, 09:00 in Viet Nam."""
    app_server.app.extensions["motcua"].engine.clock = clock


@pytest.fixture
def served(api, clock) -> None:
    """A kiosk ticket called after 10 minutes; a 09:30 booking called 5 minutes into its slot;
    a 10:00 booking cancelled."""
    def book(slot: str, phone: str) -> dict:
        r = api.post("/appointments", json={"service_id": "ho-tich", "day": TODAY, "slot": slot,
                                            "name": "Phạm Thị Mai", "phone": phone})
        assert r.status_code == 201, r.text
        return r.json()

    first, second = book("09:30", "0987654321"), book("10:00", "0987654322")
    api.issue("ho-tich")
    clock.advance(minutes=10)
    assert api.post("/appointments/check-in", as_="kiosk",
                    json={"code": first["appointment"]["code"]}).status_code == 201
    for minutes in (0, 25):  # 09:10: the kiosk ticket; 09:35: the booking
        clock.advance(minutes=minutes)
        assert api.act("quay-1", "call-next").status_code == 200
        assert api.act("quay-1", "finish").status_code == 200
    assert api.post("/appointments/cancel", json={"secret": second["secret"]}).status_code == 200


def test_admins_only(api) -> None:
    q = {"from": TODAY, "to": TODAY}
    assert api.get(PATH, params=q).status_code == 401
    assert api.get(PATH, as_="an", params=q).status_code == 403
    assert api.get(PATH, as_="admin", params={**q, "group_by": "officer"}).json()["error"]["code"] \
        == "bad_group_by"


def test_the_report_as_json(api, served) -> None:
    r = api.get(PATH, as_="admin", params={"from": TODAY, "to": TODAY, "group_by": "service"})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert not list(validator(api, "AppointmentReport").iter_errors(body))
    total = body["total"]
    assert [total[k] for k in ("bookings", "cancelled", "checked_in", "no_show", "pending")] == [
        2, 1, 1, 0, 0]
    assert total["offered"] == 48 * 3 + 26 * 2
    assert (total["wait"]["appointment"]["median_s"], total["wait"]["walk_in"]["median_s"],
            total["wait"]["kiosk"]["count"], total["wait"]["remote"]["count"]) == (300.0, 600.0, 1, 0)
    assert [row["group"]["service"]["id"] for row in body["rows"]] == ["ho-tich", "chung-thuc"]


def test_csv_and_xlsx(api, served) -> None:
    q = {"from": TODAY, "to": TODAY, "group_by": "service"}
    r = api.get(PATH, as_="admin", params={**q, "format": "csv"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Disposition"] == (
        f'attachment; filename="bao-cao-lich-hen-theo-linh-vuc_{TODAY}_{TODAY}.csv"')
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Lĩnh vực", "Lượt đặt lịch", "Đã hủy"]
    assert rows[1][:4] == ["Tư pháp - Hộ tịch", "2", "1", "1"]
    x = api.get(PATH, as_="admin", params={**q, "format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    assert ws.title == "Lịch hẹn"
    assert ws["A1"].value.startswith("Báo cáo lịch hẹn và khách không hẹn — ")
    assert [c.value for c in ws[6]][:4] == ["Tư pháp - Hộ tịch", 2, 1, 1]
