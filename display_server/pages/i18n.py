"""Words of the pages, from the gettext catalogues (motcua/locale), through Flask-Babel.

The request's language (Flask-Babel's locale selector, :func:`current_lang`) comes from ``?lang=``
(then kept in a cookie), else the cookie, else the centre's ``display.language``. Templates and
views name messages by key (``t("login")``), in :data:`MESSAGES` (with the admin pages' in
``admin_strings``); the words are the catalogues'. Counts use plural forms: ``t("people", n=1)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, get_translations

from motcua.core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, translations


@dataclass(frozen=True)
class Msg:
    """A message: its Vietnamese msgid, the plural msgid (counted with ``n``), a msgctxt."""

    msgid: str
    plural: str | None = None
    context: str | None = None


def N_(msgid: str) -> Msg:  # noqa: N802  (the gettext convention)
    """A message to translate later."""
    return Msg(msgid)


def NP_(context: str, msgid: str) -> Msg:  # noqa: N802
    """A message with a context, for a Vietnamese wording that English says two ways."""
    return Msg(msgid, context=context)


def NN_(msgid: str, plural: str) -> Msg:  # noqa: N802
    """A message counted with ``n``: English says "1 person", "2 people"."""
    return Msg(msgid, plural=plural)


def raw(msg: Msg, trans, n: int | None = None) -> str:
    """``msg`` translated by ``trans``, placeholders left in; plurals chosen for ``n`` (else many)."""
    if msg.plural is not None:
        count = 2 if n is None else n
        if msg.context:
            return trans.npgettext(msg.context, msg.msgid, msg.plural, count)
        return trans.ngettext(msg.msgid, msg.plural, count)
    if msg.context:
        return trans.pgettext(msg.context, msg.msgid)
    return trans.gettext(msg.msgid)


LANGS = LANGUAGES
COOKIE = "motcua_lang"
COOKIE_MAX_AGE_S = 365 * 24 * 3600

MESSAGES: dict[str, Msg] = {
    "lang_name": N_("Tiếng Việt"),
    "switch_to": N_("English"),
    "counter_n": N_("Quầy {n}"),
    "counter_word": N_("Quầy"),
    "paused": NP_("paused", "Tạm dừng"),
    "offline": N_("Mất kết nối máy chủ — đang kết nối lại…"),
    "not_found": N_("Không tìm thấy trang"),
    "back_home": N_("Về trang chính"),
    "forbidden": N_("Bạn không có quyền xem trang này"),
    "people": NN_("{n} người", "{n} người"),
    "minutes": N_("khoảng {n} phút"),
    "under_minute": N_("dưới 1 phút"),
    "priority": N_("Ưu tiên"),
    "error_generic": N_("Có lỗi xảy ra. Vui lòng thử lại."),
    "error_network": N_("Không gửi được yêu cầu đến máy chủ. Kiểm tra kết nối mạng."),
    "home_title": N_("Hệ thống xếp hàng và đánh giá"),
    "home_hall": N_("Màn hình sảnh chờ"),
    "home_counter_screens": N_("Màn hình tại quầy"),
    "home_officer": N_("Trang làm việc của cán bộ"),
    "home_admin": N_("Quản trị"),
    "hall_title": N_("Màn hình gọi số"),
    "now_calling": N_("Xin mời số"),
    "go_to_counter": N_("đến quầy số"),
    "no_calls_yet": NP_("no_calls_yet", "Chưa gọi số nào"),
    "counters_title": N_("Các quầy đang phục vụ"),
    "no_counter_open": N_("Chưa có quầy nào mở"),
    "idle": N_("Chưa gọi số"),
    "recent_title": N_("Số vừa gọi"),
    "waiting_title": N_("Số người đang chờ"),
    "field_closed": N_("Ngoài giờ nhận số"),
    "sound_blocked": N_("Trình duyệt đang chặn âm thanh — chạm vào màn hình để bật tiếng gọi số"),
    "weekdays": N_("Chủ nhật,Thứ Hai,Thứ Ba,Thứ Tư,Thứ Năm,Thứ Sáu,Thứ Bảy"),
    "serving_number": N_("Đang phục vụ số"),
    "counter_closed": N_("Quầy chưa mở"),
    "counter_not_found": N_("Không có quầy này"),
    "counter_not_found_text": N_("Mã quầy “{id}” không có trong cấu hình của trung tâm."),
    "officer_title": N_("Trang làm việc của cán bộ"),
    "login_title": N_("Đăng nhập cán bộ"),
    "login_title_admin": N_("Đăng nhập quản trị"),
    "username": N_("Tên đăng nhập"),
    "password": N_("Mật khẩu"),
    "login": N_("Đăng nhập"),
    "logout": N_("Đăng xuất"),
    "bad_credentials": N_("Tên đăng nhập hoặc mật khẩu không đúng."),
    "too_many_attempts": NN_("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} phút.",
                             "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {n} phút."),
    "csrf_failed": N_("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."),
    "logged_in_as": N_("Cán bộ: {name}"),
    "choose_counter": N_("Chọn quầy làm việc"),
    "choose_counter_hint": N_("Bấm phím số hoặc dùng Tab rồi Enter để chọn quầy."),
    "no_counter_allowed": N_("Bạn chưa được phân công quầy nào. Vui lòng liên hệ quản trị."),
    "change_counter": N_("Đổi quầy"),
    "current_ticket": N_("Số đang phục vụ"),
    "no_current": NP_("no_current", "Chưa gọi số nào"),
    "call_next": N_("Gọi số tiếp theo"),
    "recall": NP_("recall", "Gọi lại"),
    "skip": N_("Bỏ qua (vắng mặt)"),
    "transfer": N_("Chuyển"),
    "finish": NP_("finish", "Hoàn thành"),
    "pause": NP_("pause", "Tạm dừng"),
    "resume": N_("Tiếp tục làm việc"),
    "called_times": N_("Đã gọi {n} lần"),
    "skip_after": NN_("Được bỏ qua sau {n} lần gọi", "Được bỏ qua sau {n} lần gọi"),
    "service_time": N_("Thời gian phục vụ"),
    "nobody_waiting": N_("Không còn ai đang chờ."),
    "called_ok": N_("Đã gọi số {number}."),
    "recalled_ok": N_("Đã gọi lại số {number}."),
    "transferred_ok": N_("Đã chuyển số {number} sang {to}."),
    "transferred_to_counter": N_("Đã chuyển sang Quầy {n}"),
    "transferred_to_field": N_("Đã chuyển sang lĩnh vực {field}"),
    "waiting_title_officer": N_("Đang chờ"),
    "missed_title": NP_("missed_title", "Vắng mặt"),
    "no_missed": N_("Không có số vắng mặt."),
    "call_again": N_("Gọi lại số {number}"),
    "today_title": N_("Hôm nay tại quầy"),
    "count_done": N_("Đã phục vụ"),
    "count_skipped": NP_("count_skipped", "Vắng mặt"),
    "count_transferred": N_("Đã chuyển"),
    "rating_received": N_("Đánh giá số {number}: {level}"),
    "rating_received_nonumber": N_("Đánh giá vừa nhận: {level}"),
    "paused_banner": N_("Quầy đang tạm dừng: {reason}"),
    "printer_alert_paper_out": N_("{device}: máy in hết giấy, đang tạm ngừng phát số. Nhờ thay giấy."),
    "printer_alert_cover_open": N_("{device}: nắp máy in đang mở, đang tạm ngừng phát số. Nhờ đóng nắp."),
    "printer_alert_offline": N_("{device}: máy in không hoạt động, đang tạm ngừng phát số. Nhờ kiểm tra "
                                "máy in."),
    "pause_title": NP_("pause_title", "Tạm dừng quầy"),
    "pause_reason": N_("Lý do tạm dừng"),
    "reason_meeting": N_("Đi họp"),
    "reason_break": N_("Nghỉ giải lao"),
    "reason_support": N_("Hỗ trợ nghiệp vụ"),
    "reason_other": N_("Lý do khác"),
    "reason_other_label": N_("Ghi lý do"),
    "confirm_pause": NP_("confirm_pause", "Tạm dừng"),
    "cancel": N_("Hủy (Esc)"),
    "transfer_title": N_("Chuyển số {number}"),
    "transfer_to": N_("Chuyển đến"),
    "to_field": N_("Lĩnh vực"),
    "to_counter": N_("Quầy"),
    "confirm_transfer": N_("Chuyển"),
    "dossier_label": N_("Mã hồ sơ"),
    "dossier_save": N_("Lưu"),
    "dossier_saved": N_("Đã lưu mã hồ sơ cho số {number}."),
    "dossier_too_long": N_("Mã hồ sơ dài {n} ký tự, quá {max} ký tự: chưa lưu. Xin kiểm tra lại."),
    "shortcuts": N_("Phím tắt"),
    "shortcuts_text": N_("G gọi tiếp · L gọi lại · B bỏ qua · C chuyển · X hoàn thành · T tạm dừng/tiếp "
                         "tục · H nhập mã hồ sơ"),
    "session_expired": N_("Phiên đăng nhập đã hết. Đang chuyển về trang đăng nhập…"),
    "track_title": NP_("track_title", "Số thứ tự của bạn"),
    "your_number": NP_("your_number", "Số thứ tự của bạn"),
    "field": N_("Lĩnh vực"),
    "state_waiting": N_("Đang chờ"),
    "state_transferred": N_("Đang chờ (đã chuyển)"),
    "state_called": N_("Mời đến quầy số {n}"),
    "state_done": N_("Đã phục vụ"),
    "state_skipped": NP_("state_skipped", "Vắng mặt"),
    "state_expired": N_("Số đã hết hiệu lực"),
    "ahead": NN_("Trước bạn còn {n} người", "Trước bạn còn {n} người"),
    "ahead_none": N_("Bạn là người tiếp theo"),
    "estimate": N_("Thời gian chờ dự kiến: {t}"),
    "skipped_help": N_("Bạn đã được gọi nhưng không có mặt. Vui lòng đến quầy để được gọi lại."),
    "done_help": N_("Cảm ơn Quý khách!"),
    "live_note": N_("Trang này tự cập nhật, không cần tải lại."),
    "updated_at": N_("Cập nhật lúc {t}"),
    "ticket_not_found": N_("Không tìm thấy số thứ tự"),
    "ticket_not_found_text": N_("Mã trên phiếu không đúng hoặc phiếu đã quá cũ. Vui lòng hỏi cán bộ tại "
                                "quầy hướng dẫn."),
    "admin_title": N_("Quản trị"),
    "admin_later": N_("Báo cáo và các trang quản trị sẽ có trong phiên bản sau."),
    "admin_only": N_("Trang này chỉ dành cho quản trị viên."),
}

class _Strings(Mapping[str, Mapping[str, str]]):
    """``STRINGS[lang][key]``: every message of a language, unformatted (a read-only view of the
    catalogues; a count message in its form for many)."""

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        if lang not in LANGS:
            raise KeyError(lang)
        trans = translations(lang)
        return {key: raw(msg, trans) for key, msg in MESSAGES.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


STRINGS = _Strings()

PAUSE_REASONS = ("reason_meeting", "reason_break", "reason_support")


def init_app(app: Flask) -> None:
    """Flask-Babel with the shared catalogues; :func:`current_lang` is its locale selector."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    Babel(app, locale_selector=current_lang, default_domain=DOMAIN,
          default_translation_directories=str(LOCALE_DIR))


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


def _translations(lang: str | None):
    """The request's catalogue (Flask-Babel's), or ``lang``'s when another one is asked for."""
    if has_request_context() and (lang is None or lang == current_lang()):
        return get_translations()
    return translations(lang or "vi")


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message ``key`` in ``lang`` (the request's by default), formatted with ``values``;
    a count message takes the plural form for ``n``."""
    n = values.get("n")
    words = raw(MESSAGES[key], _translations(lang), n if isinstance(n, int) else None)
    return words.format(**values) if values else words


def tn(key: str, n: int, lang: str | None = None, **values: object) -> str:
    """``key`` for the count ``n`` (its plural form)."""
    return t(key, lang, n=n, **values)


def strings(*keys: str) -> dict[str, str]:
    """Raw (unformatted) strings for the page's JavaScript. A count message comes in both forms,
    ``key`` for many and ``key_one`` for one (``Motcua.count`` picks), as the language says them."""
    trans = _translations(None)
    out = {}
    for k in keys:
        msg = MESSAGES[k]
        out[k] = raw(msg, trans)
        if msg.plural is not None:
            out[f"{k}_one"] = raw(msg, trans, 1).replace("{n}", "1")
    return out


def remember_lang(response: Response) -> Response:
    """After a request that chose a language with ``?lang=``, keep it in a cookie."""
    chosen = g.get("lang_chosen")
    if chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE_S, samesite="Lax", httponly=True)
    return response
