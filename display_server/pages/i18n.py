"""Vietnamese and English strings for the pages; the language comes from ``?lang=``, a cookie,
or the centre's ``display.language``."""

from __future__ import annotations

from flask import Response, current_app, g, request

LANGS = ("vi", "en")
COOKIE = "motcua_lang"
COOKIE_MAX_AGE_S = 365 * 24 * 3600

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        # common
        "lang_name": "Tiếng Việt",
        "switch_to": "English",
        "counter_n": "Quầy {n}",
        "counter_word": "Quầy",
        "paused": "Tạm dừng",
        "offline": "Mất kết nối máy chủ — đang kết nối lại…",
        "not_found": "Không tìm thấy trang",
        "back_home": "Về trang chính",
        "forbidden": "Bạn không có quyền xem trang này",
        "people": "{n} người",
        "people_one": "1 người",
        "minutes": "khoảng {n} phút",
        "under_minute": "dưới 1 phút",
        "priority": "Ưu tiên",
        "error_generic": "Có lỗi xảy ra. Vui lòng thử lại.",
        "error_network": "Không gửi được yêu cầu đến máy chủ. Kiểm tra kết nối mạng.",
        # home
        "home_title": "Hệ thống xếp hàng và đánh giá",
        "home_hall": "Màn hình sảnh chờ",
        "home_counter_screens": "Màn hình tại quầy",
        "home_officer": "Trang làm việc của cán bộ",
        "home_admin": "Quản trị",
        # hall
        "hall_title": "Màn hình gọi số",
        "now_calling": "Xin mời số",
        "go_to_counter": "đến quầy số",
        "no_calls_yet": "Chưa gọi số nào",
        "counters_title": "Các quầy đang phục vụ",
        "no_counter_open": "Chưa có quầy nào mở",
        "idle": "Chưa gọi số",
        "recent_title": "Số vừa gọi",
        "waiting_title": "Số người đang chờ",
        "field_closed": "Ngoài giờ nhận số",
        "sound_blocked": "Trình duyệt đang chặn âm thanh — chạm vào màn hình để bật tiếng gọi số",
        "weekdays": "Chủ nhật,Thứ Hai,Thứ Ba,Thứ Tư,Thứ Năm,Thứ Sáu,Thứ Bảy",
        # counter screen
        "serving_number": "Đang phục vụ số",
        "counter_closed": "Quầy chưa mở",
        "counter_not_found": "Không có quầy này",
        "counter_not_found_text": "Mã quầy “{id}” không có trong cấu hình của trung tâm.",
        # officer
        "officer_title": "Trang làm việc của cán bộ",
        "login_title": "Đăng nhập cán bộ",
        "login_title_admin": "Đăng nhập quản trị",
        "username": "Tên đăng nhập",
        "password": "Mật khẩu",
        "login": "Đăng nhập",
        "logout": "Đăng xuất",
        "bad_credentials": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "too_many_attempts": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} phút.",
        "too_many_attempts_one": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 1 phút.",
        "csrf_failed": "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.",
        "logged_in_as": "Cán bộ: {name}",
        "choose_counter": "Chọn quầy làm việc",
        "choose_counter_hint": "Bấm phím số hoặc dùng Tab rồi Enter để chọn quầy.",
        "no_counter_allowed": "Bạn chưa được phân công quầy nào. Vui lòng liên hệ quản trị.",
        "change_counter": "Đổi quầy",
        "current_ticket": "Số đang phục vụ",
        "no_current": "Chưa gọi số nào",
        "call_next": "Gọi số tiếp theo",
        "recall": "Gọi lại",
        "skip": "Bỏ qua (vắng mặt)",
        "transfer": "Chuyển",
        "finish": "Hoàn thành",
        "pause": "Tạm dừng",
        "resume": "Tiếp tục làm việc",
        "called_times": "Đã gọi {n} lần",
        "skip_after": "Được bỏ qua sau {n} lần gọi",
        "service_time": "Thời gian phục vụ",
        "nobody_waiting": "Không còn ai đang chờ.",
        "called_ok": "Đã gọi số {number}.",
        "recalled_ok": "Đã gọi lại số {number}.",
        "transferred_ok": "Đã chuyển số {number} sang {to}.",
        "transferred_to_counter": "Đã chuyển sang Quầy {n}",
        "transferred_to_field": "Đã chuyển sang lĩnh vực {field}",
        "waiting_title_officer": "Đang chờ",
        "missed_title": "Vắng mặt",
        "no_missed": "Không có số vắng mặt.",
        "call_again": "Gọi lại số {number}",
        "today_title": "Hôm nay tại quầy",
        "count_done": "Đã phục vụ",
        "count_skipped": "Vắng mặt",
        "count_transferred": "Đã chuyển",
        "rating_received": "Đánh giá số {number}: {level}",
        "rating_received_nonumber": "Đánh giá vừa nhận: {level}",
        "paused_banner": "Quầy đang tạm dừng: {reason}",
        "printer_alert_paper_out": "{device}: máy in hết giấy, đang tạm ngừng phát số. Nhờ thay giấy.",
        "printer_alert_cover_open": "{device}: nắp máy in đang mở, đang tạm ngừng phát số. Nhờ đóng nắp.",
        "printer_alert_offline": "{device}: máy in không hoạt động, đang tạm ngừng phát số. Nhờ kiểm "
                                 "tra máy in.",
        "pause_title": "Tạm dừng quầy",
        "pause_reason": "Lý do tạm dừng",
        "reason_meeting": "Đi họp",
        "reason_break": "Nghỉ giải lao",
        "reason_support": "Hỗ trợ nghiệp vụ",
        "reason_other": "Lý do khác",
        "reason_other_label": "Ghi lý do",
        "confirm_pause": "Tạm dừng",
        "cancel": "Hủy (Esc)",
        "transfer_title": "Chuyển số {number}",
        "transfer_to": "Chuyển đến",
        "to_field": "Lĩnh vực",
        "to_counter": "Quầy",
        "confirm_transfer": "Chuyển",
        "dossier_label": "Mã hồ sơ",
        "dossier_save": "Lưu",
        "dossier_saved": "Đã lưu mã hồ sơ cho số {number}.",
        "dossier_too_long": "Mã hồ sơ dài {n} ký tự, quá {max} ký tự: chưa lưu. Xin kiểm tra lại.",
        "shortcuts": "Phím tắt",
        "shortcuts_text": "G gọi tiếp · L gọi lại · B bỏ qua · C chuyển · X hoàn thành · "
                          "T tạm dừng/tiếp tục · H nhập mã hồ sơ",
        "session_expired": "Phiên đăng nhập đã hết. Đang chuyển về trang đăng nhập…",
        # track
        "track_title": "Số thứ tự của bạn",
        "your_number": "Số thứ tự của bạn",
        "field": "Lĩnh vực",
        "state_waiting": "Đang chờ",
        "state_transferred": "Đang chờ (đã chuyển)",
        "state_called": "Mời đến quầy số {n}",
        "state_done": "Đã phục vụ",
        "state_skipped": "Vắng mặt",
        "state_expired": "Số đã hết hiệu lực",
        "ahead": "Trước bạn còn {n} người",
        "ahead_one": "Trước bạn còn 1 người",
        "ahead_none": "Bạn là người tiếp theo",
        "estimate": "Thời gian chờ dự kiến: {t}",
        "skipped_help": "Bạn đã được gọi nhưng không có mặt. Vui lòng đến quầy để được gọi lại.",
        "done_help": "Cảm ơn Quý khách!",
        "live_note": "Trang này tự cập nhật, không cần tải lại.",
        "updated_at": "Cập nhật lúc {t}",
        "ticket_not_found": "Không tìm thấy số thứ tự",
        "ticket_not_found_text": "Mã trên phiếu không đúng hoặc phiếu đã quá cũ. "
                                 "Vui lòng hỏi cán bộ tại quầy hướng dẫn.",
        # admin
        "admin_title": "Quản trị",
        "admin_later": "Báo cáo và các trang quản trị sẽ có trong phiên bản sau.",
        "admin_only": "Trang này chỉ dành cho quản trị viên.",
    },
    "en": {
        "lang_name": "English",
        "switch_to": "Tiếng Việt",
        "counter_n": "Counter {n}",
        "counter_word": "Counter",
        "paused": "Paused",
        "offline": "Lost connection to the server — reconnecting…",
        "not_found": "Page not found",
        "back_home": "Back to the main page",
        "forbidden": "You may not view this page",
        "people": "{n} people",
        "people_one": "1 person",
        "minutes": "about {n} min",
        "under_minute": "under 1 min",
        "priority": "Priority",
        "error_generic": "Something went wrong. Please try again.",
        "error_network": "Could not reach the server. Check the network connection.",
        "home_title": "Queue and satisfaction system",
        "home_hall": "Hall screen",
        "home_counter_screens": "Counter screens",
        "home_officer": "Officer page",
        "home_admin": "Administration",
        "hall_title": "Call screen",
        "now_calling": "Now calling",
        "go_to_counter": "please go to counter",
        "no_calls_yet": "No number called yet",
        "counters_title": "Counters serving",
        "no_counter_open": "No counter is open yet",
        "idle": "No call yet",
        "recent_title": "Recent calls",
        "waiting_title": "People waiting",
        "field_closed": "Not issuing now",
        "sound_blocked": "The browser is blocking sound — tap the screen to turn on call announcements",
        "weekdays": "Sunday,Monday,Tuesday,Wednesday,Thursday,Friday,Saturday",
        "serving_number": "Now serving",
        "counter_closed": "Counter closed",
        "counter_not_found": "No such counter",
        "counter_not_found_text": "Counter “{id}” is not in this centre's configuration.",
        "officer_title": "Officer page",
        "login_title": "Officer login",
        "login_title_admin": "Administrator login",
        "username": "Username",
        "password": "Password",
        "login": "Log in",
        "logout": "Log out",
        "bad_credentials": "Wrong username or password.",
        "too_many_attempts": "Too many failed logins. Please try again in {n} minutes.",
        "too_many_attempts_one": "Too many failed logins. Please try again in a minute.",
        "csrf_failed": "Your session has expired. Please log in again.",
        "logged_in_as": "Officer: {name}",
        "choose_counter": "Choose your counter",
        "choose_counter_hint": "Press a number key, or Tab then Enter, to choose a counter.",
        "no_counter_allowed": "You are not assigned to any counter. Please ask the administrator.",
        "change_counter": "Change counter",
        "current_ticket": "Now serving",
        "no_current": "No number called",
        "call_next": "Call next",
        "recall": "Call again",
        "skip": "Skip (no-show)",
        "transfer": "Transfer",
        "finish": "Finish",
        "pause": "Pause",
        "resume": "Resume work",
        "called_times": "Calls: {n}",
        "skip_after": "Can skip after {n} calls",
        "service_time": "Service time",
        "nobody_waiting": "Nobody is waiting.",
        "called_ok": "Called number {number}.",
        "recalled_ok": "Called number {number} again.",
        "transferred_ok": "Number {number} was transferred to {to}.",
        "transferred_to_counter": "Transferred to counter {n}",
        "transferred_to_field": "Transferred to {field}",
        "waiting_title_officer": "Waiting",
        "missed_title": "Missed",
        "no_missed": "No missed numbers.",
        "call_again": "Call {number} again",
        "today_title": "Today at this counter",
        "count_done": "Served",
        "count_skipped": "No-show",
        "count_transferred": "Transferred",
        "rating_received": "Rating for {number}: {level}",
        "rating_received_nonumber": "Rating received: {level}",
        "paused_banner": "Counter paused: {reason}",
        "printer_alert_paper_out": "{device}: the printer is out of paper, no numbers are given. "
                                   "Please change the paper.",
        "printer_alert_cover_open": "{device}: the printer cover is open, no numbers are given. "
                                    "Please close it.",
        "printer_alert_offline": "{device}: the printer is not working, no numbers are given. "
                                 "Please check it.",
        "pause_title": "Pause the counter",
        "pause_reason": "Reason",
        "reason_meeting": "Meeting",
        "reason_break": "Break",
        "reason_support": "Work support",
        "reason_other": "Other reason",
        "reason_other_label": "Write the reason",
        "confirm_pause": "Pause",
        "cancel": "Cancel (Esc)",
        "transfer_title": "Transfer number {number}",
        "transfer_to": "Transfer to",
        "to_field": "Field",
        "to_counter": "Counter",
        "confirm_transfer": "Transfer",
        "dossier_label": "Dossier code",
        "dossier_save": "Save",
        "dossier_saved": "Saved the dossier code for {number}.",
        "dossier_too_long": "The dossier code has {n} characters, more than {max}: not saved. "
                            "Please check it.",
        "shortcuts": "Shortcuts",
        "shortcuts_text": "G call next · L call again · B skip · C transfer · X finish · "
                          "T pause/resume · H dossier code",
        "session_expired": "Your login has expired. Going to the login page…",
        "track_title": "Your ticket",
        "your_number": "Your number",
        "field": "Field",
        "state_waiting": "Waiting",
        "state_transferred": "Waiting (transferred)",
        "state_called": "Please go to counter {n}",
        "state_done": "Served",
        "state_skipped": "Missed",
        "state_expired": "This ticket has expired",
        "ahead": "{n} people ahead of you",
        "ahead_one": "1 person ahead of you",
        "ahead_none": "You are next",
        "estimate": "Estimated wait: {t}",
        "skipped_help": "You were called but were not there. Please go to the counter to be called again.",
        "done_help": "Thank you!",
        "live_note": "This page updates by itself; no need to reload.",
        "updated_at": "Updated at {t}",
        "ticket_not_found": "Ticket not found",
        "ticket_not_found_text": "The code on the ticket is wrong or the ticket is too old. "
                                 "Please ask an officer at a counter.",
        "admin_title": "Administration",
        "admin_later": "Reports and administration pages come in a later version.",
        "admin_only": "This page is for administrators only.",
    },
}

PAUSE_REASONS = ("reason_meeting", "reason_break", "reason_support")


def current_lang() -> str:
    """The request's language: ``?lang=``, else the cookie, else the centre's default."""
    if "lang" in g:
        return g.lang
    asked = request.args.get("lang")
    if asked in LANGS:
        g.lang_chosen = asked
        lang = asked
    else:
        cookie = request.cookies.get(COOKIE)
        lang = cookie if cookie in LANGS else current_app.extensions["motcua"].config.display.language
    g.lang = lang
    return lang


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The string ``key`` in ``lang`` (the request's by default), formatted with ``values``."""
    text = STRINGS[lang or current_lang()].get(key) or STRINGS["vi"][key]
    return text.format(**values) if values else text


def tn(key: str, n: int, lang: str | None = None, **values: object) -> str:
    """``key`` for the count ``n``: ``key_one`` for exactly one where there is one."""
    one = f"{key}_one"
    return t(one, lang, **values) if n == 1 and one in STRINGS["vi"] else t(key, lang, n=n, **values)


def strings(*keys: str) -> dict[str, str]:
    """Raw (unformatted) strings for the page's JavaScript."""
    lang = current_lang()
    return {k: STRINGS[lang].get(k) or STRINGS["vi"][k] for k in keys}


def remember_lang(response: Response) -> Response:
    """After a request that chose a language with ``?lang=``, keep it in a cookie."""
    chosen = g.get("lang_chosen")
    if chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE_S, samesite="Lax", httponly=True)
    return response
