"""The reports' Vietnamese words, pinned: read through the ``vi`` catalogue in every language
(the centre's official figures), they must stay exactly the wording the exports always had."""

from __future__ import annotations

import pytest

from motcua.core.reports import (
    ReportError,
    dissatisfied_cases,
    export,
    report_table,
    to_text,
    waiting_report,
)
from motcua.core.reports.groups import parse_group_by
from motcua.core.reports.period import parse_period

PLACE = "Bộ phận Một cửa UBND xã Phú Hòa"


def test_waiting_table_words(rdb, config) -> None:
    r = waiting_report(rdb, config, "2026-11-01", "2026-11-30", "service")
    table = report_table(r)
    assert table.title == f"Báo cáo thời gian chờ và phục vụ — {PLACE} — từ 01/11/2026 đến 30/11/2026"
    assert table.headers == [
        "Lĩnh vực", "Số vé", "Đã gọi", "Đã phục vụ", "Vắng mặt", "Tỷ lệ vắng mặt (%)",
        "Chờ trung bình (phút)", "Chờ trung vị (phút)", "Chờ P90 (phút)", "Phục vụ trung bình (phút)",
        "Phục vụ trung vị (phút)", "Phục vụ P90 (phút)", f"Được gọi trong {r.target_wait_minutes:g} phút (%)"]
    assert table.notes == (
        "Nhóm theo: lĩnh vực.",
        "Thời gian chờ: từ lúc lấy số đến lúc được gọi; thời gian phục vụ: từ lúc gọi đến lúc "
        "hoàn thành. P90: 90% số vé không quá mức này. Vắng mặt: đã gọi nhưng không được phục vụ "
        "(tỷ lệ trên số vé đã gọi).")
    assert table.total[0] == "Tổng cộng"
    assert report_table(waiting_report(rdb, config, "2026-11-01", "2026-11-01")).headers[0] == "Phạm vi"


def test_dissatisfied_table_words(rdb, config) -> None:
    table = report_table(dissatisfied_cases(rdb, config, "2026-11-25", "2026-11-25"))
    assert table.title == f"Danh sách trường hợp không hài lòng — {PLACE} — ngày 25/11/2026"
    assert table.headers == ["STT", "Thời gian", "Số thứ tự", "Quầy", "Cán bộ", "Lĩnh vực", "Mức đánh giá",
                             "Mã hồ sơ"]
    assert table.notes == ("Tổng số: 0 trường hợp.",)
    assert to_text(table).endswith("\n(không có dữ liệu)\n")


@pytest.mark.parametrize(("start", "end", "code", "message"), [
    (None, "2026-11-30", "missing_date", "Thiếu ngày 'from' (dạng YYYY-MM-DD, ví dụ 2026-11-01)."),
    ("2026-11-31", "2026-11-30", "bad_date",
     "Ngày 'from' không hợp lệ: '2026-11-31' (dạng YYYY-MM-DD, ví dụ 2026-11-01)."),
    ("2026-11-01", "2100-01-01", "bad_date",
     "Ngày 'to' (01/01/2100) nằm ngoài khoảng 01/01/2000 - 31/12/2099."),
    ("2026-11-30", "2026-11-01", "bad_range", "Ngày bắt đầu (30/11/2026) sau ngày kết thúc (01/11/2026)."),
    ("2000-01-01", "2099-12-31", "range_too_long",
     "Khoảng thời gian quá dài (36525 ngày); tối đa 1830 ngày (5 năm)."),
])
def test_period_refusals(start, end, code, message) -> None:
    with pytest.raises(ReportError) as e:
        parse_period(start, end)
    assert (e.value.code, e.value.message) == (code, message)


@pytest.mark.parametrize(("value", "message"), [
    ("level", "Cách nhóm không hợp lệ: level. Chọn trong: officer, counter, day, month."),
    ("officer,counter,officer", "Nhóm theo tối đa 2 tiêu chí khác nhau."),
    ("day,month", "Chỉ nhóm theo một mốc thời gian (ngày, tháng, quý hoặc giờ)."),
])
def test_grouping_refusals(value, message) -> None:
    with pytest.raises(ReportError) as e:
        parse_group_by(value, ("officer", "counter", "day", "month"))
    assert e.value.message == message


def test_format_refusal(rdb, config) -> None:
    table = report_table(waiting_report(rdb, config, "2026-11-01", "2026-11-01"))
    with pytest.raises(ReportError) as e:
        export(table, "pdf")
    assert e.value.message == "Định dạng không hỗ trợ: 'pdf'. Chọn json, csv hoặc xlsx."
