"""Report routes over HTTP (the app in the test's process): admins only, 400s in Vietnamese,
downloads."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import jsonschema
import openpyxl
import pytest

from tests.clients import Api

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PATHS = ("/reports/satisfaction", "/reports/waiting", "/reports/dissatisfied")


def today() -> str:
    return datetime.now(VN).date().isoformat()


def serve(api: Api, *levels: str) -> None:
    """Tickets served at quầy 1 by officer ``an``, each rated with the next level."""
    for level in levels:
        api.issue("ho-tich")
        assert api.act("quay-1", "call-next").status_code == 200
        assert api.act("quay-1", "finish").status_code == 200
        assert api.rate("quay-1", level).status_code == 201


def validator(api: Api, name: str):
    doc = api.get("/openapi.json").json()
    return jsonschema.Draft202012Validator({"$ref": f"#/components/schemas/{name}",
                                            "components": doc["components"]})


def test_admins_only(api) -> None:
    q = {"from": today(), "to": today()}
    for path in PATHS:
        assert api.get(path, params=q).status_code == 401
        assert api.get(path, as_="an", params=q).status_code == 403  # an officer
        assert api.get(path, as_="kiosk", params=q).status_code == 403  # a device
        assert api.get(path, as_="admin", params=q).status_code == 200


@pytest.mark.parametrize(("params", "code", "words"), [
    ({"from": "2026-11-30", "to": "2026-11-01"}, "bad_range", "sau ngày kết thúc"),
    ({"from": "2026-11-31", "to": "2026-12-01"}, "bad_date", "không hợp lệ"),
    ({"to": "2026-12-01"}, "missing_date", "Thiếu ngày"),
    ({"from": "2015-01-01", "to": "2026-12-01"}, "range_too_long", "tối đa"),
    ({"from": "2026-11-01", "to": "2026-11-30", "group_by": "colour"}, "bad_group_by", "Cách nhóm"),
    ({"from": "2026-11-01", "to": "2026-11-30", "format": "pdf"}, "bad_format", "Định dạng"),
])
def test_bad_parameters_are_400_in_vietnamese(api, params, code, words) -> None:
    r = api.get("/reports/satisfaction", as_="admin", params=params)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == code and words in error["message"]
    if code != "bad_group_by":
        assert api.get("/reports/dissatisfied", as_="admin", params=params).status_code == 400


def test_reports_of_served_and_rated_tickets(api) -> None:
    serve(api, "very_satisfied", "satisfied", "dissatisfied", "very_satisfied")
    api.post("/counters/quay-1/dossier", as_="an", json={"dossier_code": "HS-2026-0042"})
    q = {"from": today(), "to": today()}
    sat = api.get("/reports/satisfaction", as_="admin", params={**q, "group_by": "officer"})
    assert sat.status_code == 200 and sat.headers["Cache-Control"] == "no-store"
    body = sat.json()
    assert not list(validator(api, "SatisfactionReport").iter_errors(body))
    assert body["total"]["total"] == 4 and body["total"]["score"] == 75.0
    an = next(row for row in body["rows"] if row["group"]["officer"]["name"] == "Nguyễn Văn An")
    assert [lv["count"] for lv in an["levels"]] == [2, 1, 1] and an["levels"][0]["percent"] == 50.0

    waiting = api.get("/reports/waiting", as_="admin", params={**q, "group_by": "service"}).json()
    assert not list(validator(api, "WaitingReport").iter_errors(waiting))
    assert waiting["total"]["tickets"] == 4 and waiting["total"]["served"] == 4
    assert waiting["target_wait_minutes"] == 20

    cases = api.get("/reports/dissatisfied", as_="admin", params=q).json()
    assert not list(validator(api, "DissatisfiedReport").iter_errors(cases))
    assert cases["count"] == 1
    case = cases["cases"][0]
    assert (case["number"], case["counter_name"], case["officer_name"]) == ("1003", "Quầy 1", "Nguyễn Văn An")


def test_csv_and_xlsx_downloads(api) -> None:
    serve(api, "very_satisfied", "dissatisfied")
    q = {"from": today(), "to": today(), "group_by": "counter"}
    r = api.get("/reports/satisfaction", as_="admin", params={**q, "format": "csv"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Disposition"] == (
        f'attachment; filename="bao-cao-hai-long-theo-quay_{today()}_{today()}.csv"')
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Quầy"  # the header first
    assert rows[1][:2] == ["Quầy 1", "2"] and rows[1][-1] == "50.00"

    x = api.get("/reports/waiting", as_="admin", params={**q, "format": "xlsx"})
    assert x.status_code == 200 and x.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert 'filename="bao-cao-cho-va-phuc-vu-theo-quay_' in x.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    assert ws["A1"].value.startswith("Báo cáo thời gian chờ và phục vụ — ")
    assert [c.value for c in ws[6]][:4] == ["Quầy 1", 2, 2, 2]

    d = api.get("/reports/dissatisfied", as_="admin", params={**q, "format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(d.content)).active
    assert ws["C5"].value == "1002" and ws["G5"].value == "Không hài lòng"
