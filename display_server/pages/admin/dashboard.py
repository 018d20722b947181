"""The admin dashboard: fields, counters and devices, kept live by the event stream (its
figures come from the admin API's ``dashboard_data``)."""

from __future__ import annotations

from flask import current_app, render_template

from motcua.core.queue.events import KINDS

from ...api.admin import dashboard_data
from ..common import config, field_names, svc
from ..display import queue_strings
from ..i18n import counted, current_lang, ngettext, pgettext
from ..i18n import gettext as _
from . import bp


def dashboard_strings() -> dict[str, str]:
    """The dashboard's words for static/js/admin-dashboard.js; keys: the names the script uses."""
    return {
        **queue_strings(),
        "adm_open": _("Đang nhận số"),
        "adm_closed_today": _("Đã ngừng nhận số hôm nay"),
        "adm_not_open": _("Chưa mở"),
        "adm_idle": _("Đang mở, chưa gọi số"),
        "adm_serving": _("Đang phục vụ"),
        "adm_paused_reason": _("Tạm dừng: {reason}"),
        "adm_no_officer": _("Chưa có cán bộ"),
        "adm_online": _("Đang liên lạc"),
        "adm_offline": _("Mất liên lạc"),
        "adm_never": _("Chưa từng liên lạc"),
        "adm_ago_s": _("{n} giây trước"),
        "adm_ago_min": _("{n} phút trước"),
        "adm_ago_h": _("{n} giờ trước"),
        **counted("adm_ago_d", lambda n: ngettext("{n} ngày trước", "{n} ngày trước", n)),
        "adm_kind_kiosk": _("Máy lấy số"),
        "adm_kind_rating_station": _("Bộ nút đánh giá"),
        "adm_backlog": _("Chờ gửi: {n}"),
        **counted("adm_dead_letters", lambda n: ngettext("{n} lượt bị từ chối", "{n} lượt bị từ chối", n)),
        "adm_no_dead": _("không có lượt bị từ chối"),
        "adm_updated_at": _("Cập nhật lúc {t}"),
        "adm_no_votes": _("Chưa có lượt đánh giá nào hôm nay."),
        "adm_printer_ok": _("Máy in sẵn sàng"),
        "adm_printer_paper_low": _("Sắp hết giấy"),
        "adm_printer_paper_out": _("Hết giấy"),
        "adm_printer_cover_open": pgettext("adm_printer_cover_open", "Nắp máy in đang mở"),
        "adm_printer_offline": _("Máy in mất kết nối"),
        "adm_printer_unknown": _("Máy in không báo trạng thái"),
        "adm_printer_none": _("Chưa báo trạng thái máy in"),
        "adm_counters_of": _("quầy {list}"),
        "adm_version": _("phiên bản {v}"),
        "adm_memory": _("Phần mềm dùng {used}; máy còn trống {free} trên {total}"),
        "adm_disk_free": _("còn trống {free}"),
        "adm_disk_ok": _("Đủ chỗ"),
        "adm_disk_low": _("Sắp đầy"),
        "adm_disk_full": _("Đã đầy"),
        "adm_streams": _("{open} (tối đa {limit})"),
        "adm_unknown": _("không rõ"),
        "adm_backup_ok": _("Đã sao lưu"),
        "adm_backup_failed": _("Sao lưu bị lỗi"),
        "adm_backup_old": _("Quá 2 ngày chưa sao lưu"),
        "adm_backup_none": _("Chưa có bản sao lưu nào"),
        "adm_backup_untracked": _("PostgreSQL: sao lưu bằng pg_dump"),
        "adm_backup_last": _("lần gần nhất {t}, {size}"),
        "adm_backup_nightly": _("máy chủ tự sao lưu lúc 2 giờ 30 mỗi đêm"),
        "adm_alert_backup_failed": _("Sao lưu dữ liệu lúc {t} không thành công. Xem mục 7 của "
                                     "Hướng dẫn vận hành."),
        "adm_detail": _("Chi tiết cho cán bộ kỹ thuật: {message}"),
        "adm_alert_backup_old": _("Đã hơn 2 ngày chưa sao lưu dữ liệu (lần gần nhất: {t}). Kiểm "
                                  "tra theo mục 7 của Hướng dẫn vận hành."),
        "adm_alert_disk_low": _("Ổ đĩa của máy chủ sắp đầy: chỉ còn trống {free}. Hãy chép các bản "
                                "sao lưu cũ sang USB rồi xóa khỏi máy chủ (Hướng dẫn vận hành, "
                                "mục 9)."),
        "adm_alert_disk_full": _("Ổ đĩa của máy chủ đã đầy: máy chủ đang từ chối cấp số mới. Hãy "
                                 "giải phóng chỗ trống ngay (Hướng dẫn vận hành, mục 9); không "
                                 "cần khởi động lại."),
        "adm_alert_printer": _("{device}: {status}. Máy lấy số đang tạm ngừng phát số: thay giấy hoặc "
                               "kiểm tra máy in."),
    }


@bp.get("")
def index():
    cfg = config()
    lang = current_lang()
    boot = {
        "lang": lang,
        "tz": cfg.centre.timezone,
        "keepalive_s": current_app.config["SSE_KEEPALIVE_S"],
        "kinds": list(KINDS),
        "fields": field_names(),
        "refresh_s": 15,
        "data": dashboard_data(svc()),
        "strings": dashboard_strings(),
    }
    return render_template("admin/dashboard.html", boot=boot, nav="dashboard")

