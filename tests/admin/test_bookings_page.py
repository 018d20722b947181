"""The appointments and remote-tickets page: the admin edits slot plans and limits, each value
checked with the config schema (Vietnamese messages), kept in the admin's settings file in the
data directory (never in the config file), loaded back over the config file at the next start
(bookings already made are kept: tests/appointments/test_plan_change.py)."""

from __future__ import annotations

import errno
import os
import re
import tomllib
from pathlib import Path

import pytest

from config import Config, load_config
from config.admin_save import fingerprint
from config.admin_settings import FILE_NAME

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


def _settings(server) -> Path:
    return server.data_dir / FILE_NAME


def _load(server) -> Config:
    """The config the server would start with: its file, its data directory's admin settings."""
    return load_config(server.config_path, env={"MOTCUA_DATA_DIR": str(server.data_dir)})


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
    assert data["fingerprint"] == fingerprint(http_server.config_path, _settings(http_server))
    assert f'<code id="settings-file">{_settings(http_server)}</code>' in page
    assert 'class="origin' not in page and 'name="section"' not in page  # nothing set here yet
    assert "không được phép ghi" not in page


def test_saving_writes_the_admin_settings_and_they_load_back(admin, http_server) -> None:
    path = http_server.config_path
    before = path.read_bytes()
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

    assert path.read_bytes() == before  # the config file is never written
    settings = _settings(http_server)
    assert settings.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in settings.parent.iterdir() if p.name.startswith(".")] == []
    saved = tomllib.loads(settings.read_text(encoding="utf-8"))
    assert saved["appointments"] == {"retention_days": 60, "arrival": {"grace_minutes": 25}}
    assert "remote_daily_cap" not in saved["fields"]["ho-tich"]  # the file's value: not kept
    assert saved["fields"]["chung-thuc"] == {"appointments": False}
    cfg = _load(http_server)
    assert cfg.admin.keys and not cfg.admin.problems
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

    page = admin.get(PAGE).text  # the page shows the saved values, and that a restart is due
    assert 'id="pending"' in page and _form(page)["f-dat-dai-days_ahead"] == "5"
    origin = dict(re.findall(r'<span class="origin small" id="origin-([^"]+)">([^<]*)</span>', page))
    assert origin["grace_minutes"] == "Đặt tại trang này; tệp cấu hình: 15"
    assert origin["remote_enabled"] == "Đặt tại trang này; tệp cấu hình: bật"
    assert origin["networks"] == "Đặt tại trang này; tệp cấu hình: để trống"
    assert origin["f-chung-thuc-on"] == ("Đặt tại trang này; tệp cấu hình: khung 15 phút, 2 người mỗi "
                                         "khung, đặt trước tối đa 7 ngày, giờ đặt lịch riêng")
    assert origin["f-dat-dai-on"] == "Đặt tại trang này; tệp cấu hình: không nhận đặt lịch hẹn"
    assert "f-ho-tich-remote_daily_cap" not in origin and "f-ho-tich-on" in origin
    assert {"reset-appointments", "reset-remote", "reset-fields-ho-tich"} <= set(
        re.findall(r'id="(reset-[^"]+)"', page))


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
    assert "Chưa lưu thay đổi nào" in r.text
    assert 'value="sáng"' in r.text  # what was typed stays in the form
    assert http_server.config_path.read_bytes() == before
    assert not _settings(http_server).exists()


def test_a_switched_off_field_is_not_checked(admin, http_server) -> None:
    data = _form(admin.get(PAGE).text)
    data.update({"f-dat-dai-capacity": "1000"})  # not taking appointments: its inputs are ignored
    assert admin.form(PAGE, data).status_code == 302
    assert _load(http_server).field("dat-dai").appointments is None
    assert not _settings(http_server).exists()  # nothing differs from the config file


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
    assert not _settings(http_server).exists()
    assert _load(http_server).field("ho-tich").appointments.capacity == 4

    data = _form(page)  # the admin's file changed meanwhile: not overwritten either
    _settings(http_server).write_text("[remote]\nper_phone_per_day = 5\n", encoding="utf-8")
    data["grace_minutes"] = "20"
    assert admin.form(PAGE, data).status_code == 302
    assert "vừa được sửa ở nơi khác" in admin.get(PAGE).text
    assert _settings(http_server).read_text(encoding="utf-8") == "[remote]\nper_phone_per_day = 5\n"


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
    assert admin.form(PAGE + "/reset", {"section": "remote"}).status_code == 409


def test_officers_may_not_see_or_save_it(web, http_server) -> None:
    before = http_server.config_path.read_bytes()
    officer = web()
    officer.login("an")
    assert officer.get(PAGE).status_code == 403
    token = officer.csrf()
    r = officer.post(PAGE, data={"csrf_token": token, "grace_minutes": "20"})
    assert r.status_code == 403
    assert officer.post(PAGE + "/reset", data={"csrf_token": token, "section": "remote"}
                        ).status_code == 403
    assert http_server.config_path.read_bytes() == before
    assert not _settings(http_server).exists()




@pytest.fixture
def read_only_config(http_server, monkeypatch):
    """The config file and its folder read-only, as /etc is for the installed server (systemd's
    ProtectSystem=full): mode 0440 and 0555, and (the tests may run as root) any write there
    refused as on a read-only mount."""
    folder = http_server.config_path.parent
    http_server.config_path.chmod(0o440)
    folder.chmod(0o555)
    real_open = os.open

    def read_only(file, flags, *args, **kw):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and Path(file).resolve().parent == folder:
            raise OSError(errno.EROFS, "Read-only file system", str(file))
        return real_open(file, flags, *args, **kw)

    monkeypatch.setattr(os, "open", read_only)
    yield http_server.config_path
    folder.chmod(0o755)
    http_server.config_path.chmod(0o640)


def test_saving_works_with_a_read_only_config_file_and_applies_after_a_restart(
        admin, http_server, read_only_config, tmp_path) -> None:
    from tests.servers import AppServer

    before = read_only_config.read_bytes()
    page = admin.get(PAGE).text
    assert re.search(r'<button[^>]*id="save-bookings">', page)  # never disabled
    data = _form(page)
    data.update({"grace_minutes": "40", "f-ho-tich-capacity": "5", "per_phone_per_day": "4"})
    r = admin.form(PAGE, data)
    assert r.status_code == 302, _errors(r.text)
    assert read_only_config.read_bytes() == before
    assert http_server.services.config.appointments.arrival.grace_minutes == 15  # until a restart

    restarted = AppServer.start(http_server.url + "x", http_server.port, http_server.data_dir,
                                read_only_config, http_server.env)
    try:
        cfg = restarted.services.config
        assert cfg.appointments.arrival.grace_minutes == 40
        assert cfg.field("ho-tich").appointments.capacity == 5
        assert cfg.remote.per_phone_per_day == 4
        assert cfg.admin.keys == ("appointments.arrival.grace_minutes", "remote.per_phone_per_day",
                                  "fields.ho-tich.appointments")
    finally:
        restarted.stop()


def test_each_section_goes_back_to_the_config_files_values(admin, http_server) -> None:
    data = _form(admin.get(PAGE).text)
    data.update({"grace_minutes": "40", "per_phone_per_day": "4", "f-ho-tich-capacity": "5",
                 "f-dat-dai-remote_daily_cap": "7"})
    assert admin.form(PAGE, data).status_code == 302
    page = admin.get(PAGE).text
    reset = re.search(r'<form[^>]*id="reset-form".*?</form>', page, re.S).group(0)
    token = re.search(r'name="fingerprint" value="([^"]*)"', reset).group(1)

    r = admin.form(PAGE + "/reset", {"section": "remote", "fingerprint": token})
    assert r.status_code == 302
    assert "Đã trả mục này về giá trị trong tệp cấu hình" in admin.get(PAGE).text
    cfg = _load(http_server)
    assert cfg.remote.per_phone_per_day == 2 and cfg.appointments.arrival.grace_minutes == 40
    token = _form(admin.get(PAGE).text)["fingerprint"]
    assert admin.form(PAGE + "/reset", {"section": "fields.ho-tich", "fingerprint": token}
                      ).status_code == 302
    cfg = _load(http_server)
    assert cfg.field("ho-tich").appointments.capacity == 3
    assert cfg.field("dat-dai").remote_daily_cap == 7
    assert cfg.admin.keys == ("appointments.arrival.grace_minutes", "fields.dat-dai.remote_daily_cap")
    assert admin.form(PAGE + "/reset", {"section": "fields.khong-co", "fingerprint": token}
                      ).status_code == 400
    assert admin.form(PAGE + "/reset", {"section": "appointments", "fingerprint": "cũ"}
                      ).status_code == 302  # a stale page: nothing removed
    assert _load(http_server).appointments.arrival.grace_minutes == 40


def test_an_invalid_settings_file_is_said_in_vietnamese_and_saving_replaces_it(
        admin, http_server) -> None:
    _settings(http_server).write_text("[queue]\nmax_waiting = 3\n", encoding="utf-8")
    page = admin.get(PAGE).text
    assert "Tệp thiết lập của trang quản trị có lỗi nên đang bị bỏ qua" in page
    assert "queue: not a key the admin page sets" in page
    data = _form(page)
    assert data["grace_minutes"] == "15"  # the config file's values
    data["grace_minutes"] = "20"
    assert admin.form(PAGE, data).status_code == 302
    cfg = _load(http_server)
    assert cfg.appointments.arrival.grace_minutes == 20 and cfg.admin.problems == ()
    assert "max_waiting" not in _settings(http_server).read_text(encoding="utf-8")


def test_the_demo_keeps_its_settings_in_its_data_folder(data_dir, monkeypatch) -> None:
    """``motcua demo`` runs the server on config/demo.toml of the checkout with its own data
    folder: the admin page never writes the checkout's file."""
    from tests.admin.conftest import AdminBrowser
    from tests.conftest import DEMO_CONFIG, _with_officers, free_port
    from tests.servers import AppServer, environment, route_requests

    route_requests(monkeypatch)
    before = DEMO_CONFIG.read_bytes()
    port = free_port()
    server = AppServer.start(f"http://127.0.0.1:{port}", port, data_dir, DEMO_CONFIG,
                             environment(DEMO_CONFIG, data_dir))
    for running in _with_officers(server):
        admin = AdminBrowser(running.url)
        assert admin.login("admin").status_code == 302
        data = _form(admin.get(PAGE).text)
        data["grace_minutes"] = "20"
        assert admin.form(PAGE, data).status_code == 302
    assert DEMO_CONFIG.read_bytes() == before
    assert tomllib.loads((data_dir / FILE_NAME).read_text(encoding="utf-8")) == {
        "appointments": {"arrival": {"grace_minutes": 20}}}
