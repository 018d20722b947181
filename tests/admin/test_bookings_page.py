"""The appointments and remote-tickets page: the admin edits slot plans and limits, each value
checked with the config schema (Vietnamese messages), written to the config file with its
comments, loaded back (bookings already made are kept: tests/appointments/test_plan_change.py)."""

from __future__ import annotations

import re
import tomllib

import pytest

from config import load_config
from config.edit import fingerprint
from tests.conftest import DEMO_CONFIG as DEMO

pytestmark = pytest.mark.slow

PAGE = "/admin/appointments"


def _form(page: str) -> dict[str, str]:
    """The page's form as a browser would send it: every input's value, checked boxes only."""
    form = re.search(r'<form[^>]*id="bookings-form".*?</form>', page, re.S).group(0)
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or name.group(1) == "csrf_token":
            continue
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    data["networks"] = re.search(r'<textarea[^>]*name="networks"[^>]*>(.*?)</textarea>', form,
                                 re.S).group(1)
    return data


def _errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="field-error" id="err-([^"]+)">([^<]*)</p>', page))


def test_the_page_shows_the_file_and_says_when_changes_apply(admin, http_server) -> None:
    page = admin.get(PAGE).text
    assert "Lịch hẹn và lấy số từ xa" in page
    assert "sudo systemctl restart motcua-server" in page
    assert "Lịch đã đặt không bao giờ mất" in page
    data = _form(page)
    assert data["f-ho-tich-on"] == "1" and data["f-ho-tich-capacity"] == "3"
    assert data["f-chung-thuc-own_hours"] == "1"
    assert data["f-chung-thuc-hours-mon"] == "07:30-11:00, 13:30-16:30"
    assert data["f-chung-thuc-hours-sun"] == ""
    assert "f-dat-dai-on" not in data and data["grace_minutes"] == "15"
    assert data["remote_enabled"] == "1" and data["daily_cap_per_field"] == "50"
    assert data["fingerprint"] == fingerprint(http_server.config_path.read_bytes())


def test_saving_writes_the_file_with_its_comments_and_it_loads_back(admin, http_server) -> None:
    path = http_server.config_path
    data = _form(admin.get(PAGE).text)
    data.update({"grace_minutes": "25", "retention_days": "60", "per_phone_per_day": "3",
                 "networks": "192.168.1.0/24\n10.0.0.0/16", "f-ho-tich-capacity": "2",
                 "f-ho-tich-slot_minutes": "20", "f-ho-tich-own_hours": "1",
                 "f-ho-tich-hours-mon": "07:30-11:00, 13:30-16:30", "f-ho-tich-hours-sat": "08:00-11:00",
                 "f-dat-dai-on": "1", "f-dat-dai-slot_minutes": "30", "f-dat-dai-capacity": "1",
                 "f-dat-dai-days_ahead": "5", "f-dat-dai-remote_daily_cap": "10"})
    for day in ("tue", "wed", "thu", "fri", "sun"):
        data[f"f-ho-tich-hours-{day}"] = ""
    del data["f-chung-thuc-on"]
    del data["remote_enabled"]
    r = admin.form(PAGE, data)
    assert r.status_code == 302, _errors(r.text)
    assert "Thay đổi có hiệu lực sau khi khởi động lại" in admin.get(PAGE).text

    text = path.read_text(encoding="utf-8")
    assert "grace_minutes = 25            # until 15 minutes after it starts" in text
    assert "# booking a time (đặt lịch hẹn)" in text  # the file's comments are kept
    cfg = load_config(path)
    assert cfg.appointments.arrival.grace_minutes == 25
    assert cfg.appointments.arrival.early_minutes == 30  # untouched
    assert cfg.appointments.retention_days == 60
    assert cfg.remote.enabled is False and cfg.remote.per_phone_per_day == 3
    assert cfg.remote.networks == ("192.168.1.0/24", "10.0.0.0/16")
    plan = cfg.field("ho-tich").appointments
    assert (plan.slot_minutes, plan.capacity, plan.days_ahead) == (20, 2, 14)
    assert [str(s) for s in plan.hours.mon] == ["07:30-11:00", "13:30-16:30"]
    assert [str(s) for s in plan.hours.sat] == ["08:00-11:00"] and plan.hours.sun == ()
    assert cfg.field("chung-thuc").appointments is None
    assert cfg.field("dat-dai").appointments.days_ahead == 5
    assert cfg.field("dat-dai").remote_daily_cap == 10
    assert cfg.field("ho-tich").remote_daily_cap is None

    page = admin.get(PAGE).text  # the page shows the file, and that a restart is due
    assert 'id="pending"' in page and _form(page)["f-dat-dai-days_ahead"] == "5"


def test_bad_values_are_said_in_vietnamese_and_never_reach_the_file(admin, http_server) -> None:
    before = http_server.config_path.read_bytes()
    data = _form(admin.get(PAGE).text)
    data.update({"grace_minutes": "abc", "retention_days": "0", "per_phone_per_day": "51",
                 "networks": "192.168.1.0/33", "f-ho-tich-capacity": "101",
                 "f-ho-tich-slot_minutes": "3", "f-chung-thuc-hours-tue": "13:30-11:00",
                 "f-chung-thuc-hours-wed": "sáng", "f-dat-dai-remote_daily_cap": "-1",
                 "f-dat-dai-on": "1", "f-dat-dai-days_ahead": "91"})
    r = admin.form(PAGE, data)
    assert r.status_code == 400
    errors = _errors(r.text)
    assert errors == {
        "grace_minutes": "Hãy nhập một số nguyên.",
        "retention_days": "Phải từ 1 trở lên.",
        "per_phone_per_day": "Tối đa là 50.",
        "networks": "Dải địa chỉ không hợp lệ. Ghi mỗi dòng một dải, ví dụ 192.168.1.0/24.",
        "f-ho-tich-capacity": "Tối đa là 100.",
        "f-ho-tich-slot_minutes": "Phải từ 5 trở lên.",
        "f-chung-thuc-hours-tue": errors["f-chung-thuc-hours-wed"],
        "f-chung-thuc-hours-wed": errors["f-chung-thuc-hours-wed"],
        "f-dat-dai-remote_daily_cap": "Phải từ 0 trở lên.",
        "f-dat-dai-days_ahead": "Tối đa là 90.",
    }
    assert errors["f-chung-thuc-hours-wed"].startswith("Giờ không hợp lệ.")
    assert "Chưa ghi gì vào tệp cấu hình" in r.text
    assert 'value="sáng"' in r.text  # what was typed stays in the form
    assert http_server.config_path.read_bytes() == before


def test_a_switched_off_field_is_not_checked(admin, http_server) -> None:
    data = _form(admin.get(PAGE).text)
    data.update({"f-dat-dai-capacity": "1000"})  # not taking appointments: its inputs are ignored
    assert admin.form(PAGE, data).status_code == 302
    assert load_config(http_server.config_path).field("dat-dai").appointments is None


def test_a_file_changed_meanwhile_is_not_overwritten(admin, http_server) -> None:
    data = _form(admin.get(PAGE).text)
    path = http_server.config_path
    path.write_text(path.read_text(encoding="utf-8").replace("capacity = 3", "capacity = 4"),
                    encoding="utf-8")
    data["grace_minutes"] = "20"
    r = admin.form(PAGE, data)
    assert r.status_code == 302
    page = admin.get(PAGE).text
    assert "vừa được sửa ở nơi khác" in page
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    assert cfg["appointments"]["arrival"]["grace_minutes"] == 15
    assert cfg["fields"][0]["appointments"]["capacity"] == 4


def test_the_whole_file_is_checked_before_writing(admin, http_server) -> None:
    path = http_server.config_path
    path.write_text(path.read_text(encoding="utf-8").replace("[server]\n", "[server]\nthreads = 4\n"),
                    encoding="utf-8")
    assert admin.form(PAGE, _form(admin.get(PAGE).text)).status_code == 302  # valid, still
    path.write_text(path.read_text(encoding="utf-8").replace("calls_before_skip = 2",
                                                              "calls_before_skip = -1"),
                    encoding="utf-8")
    page = admin.get(PAGE).text
    assert "Tệp cấu hình có lỗi" in page and "queue.calls_before_skip" in page
    assert 'id="bookings-form"' not in page
    assert admin.form(PAGE, {"grace_minutes": "20"}).status_code == 409


def test_officers_may_not_see_or_save_it(web, http_server) -> None:
    before = http_server.config_path.read_bytes()
    officer = web()
    officer.login("an")
    assert officer.get(PAGE).status_code == 403
    token = officer.csrf()
    r = officer.post(PAGE, data={"csrf_token": token, "grace_minutes": "20"})
    assert r.status_code == 403
    assert http_server.config_path.read_bytes() == before



def test_a_file_the_server_may_not_write_is_said_on_the_page(admin, http_server, monkeypatch) -> None:
    """systemd's ProtectSystem=full keeps /etc read-only for the server: the page says so."""
    monkeypatch.setattr("display_server.pages.admin.bookings.writable", lambda path: False)
    page = admin.get(PAGE).text
    assert "Máy chủ không được phép ghi tệp cấu hình này" in page
    assert re.search(r'<button[^>]*id="save-bookings" disabled', page)


def test_the_file_is_written_in_place_when_its_directory_is_read_only(tmp_path, monkeypatch) -> None:
    import errno
    import os

    from config.edit import edit_config

    path = tmp_path / "motcua.toml"
    path.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    real_open = os.open

    def read_only_dir(file, flags, *args):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(file, flags, *args)

    monkeypatch.setattr(os, "open", read_only_dir)
    inode = path.stat().st_ino
    cfg = edit_config(path, [(("remote", "per_phone_per_day"), 4)])
    assert cfg.remote.per_phone_per_day == 4 and path.stat().st_ino == inode
    assert load_config(path).remote.per_phone_per_day == 4
