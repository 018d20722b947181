"""Refusals of the appointment book: a stable code and a Vietnamese reason (a msgid marked with
``N_``, translated where shown), raised as the queue's :class:`QueueError`."""

from __future__ import annotations

from typing import NoReturn

from ..i18n import N_
from ..queue.errors import QueueError

REASONS = {
    "not_bookable": N_("Lĩnh vực này không nhận đặt lịch hẹn."),
    "bad_day": N_("Ngày hẹn không hợp lệ."),
    "past_day": N_("Không thể đặt lịch cho ngày đã qua."),
    "too_far": N_("Chỉ nhận đặt lịch trước tối đa {days_ahead} ngày."),
    "closed_day": N_("Ngày {day} không làm việc. Xin chọn ngày khác."),
    "bad_slot": N_("Giờ {slot} không phải khung giờ nhận hẹn của lĩnh vực này trong ngày {day}."),
    "past_slot": N_("Khung giờ {slot} đã qua. Xin chọn khung giờ khác."),
    "slot_full": N_("Khung giờ {slot} ngày {day} đã kín chỗ. Xin chọn khung giờ khác."),
    "bad_name": N_("Xin nhập họ và tên (từ 2 đến 100 ký tự)."),
    "bad_phone": N_("Số điện thoại không hợp lệ: cần 10 chữ số, bắt đầu bằng số 0."),
    "phone_limit": N_("Số điện thoại này đã có lịch hẹn trong ngày {day}."),
    "too_many_bookings": N_("Đã đặt quá nhiều lịch hẹn từ thiết bị này. Xin thử lại sau {minutes} phút."),
    "unknown_appointment": N_("Không tìm thấy lịch hẹn."),
    "cancelled": N_("Lịch hẹn này đã được hủy."),
    "cannot_cancel": N_("Lịch hẹn này không thể hủy nữa (đã nhận số hoặc đã qua giờ hẹn)."),
    "wrong_code": N_("Mã lịch hẹn không đúng. Xin kiểm tra lại và nhập lại."),
    "too_many_codes": N_("Nhập sai mã quá nhiều lần. Xin thử lại sau {minutes} phút hoặc nhờ cán bộ "
                         "hỗ trợ."),
    "not_today": N_("Lịch hẹn này là của ngày {day}, không phải hôm nay."),
    "too_early": N_("Chưa đến giờ nhận số cho lịch hẹn này. Xin quay lại từ {time}."),
    "no_show": N_("Đã quá giờ hẹn {slot}, lịch hẹn không còn hiệu lực. Xin lấy số thường tại "
                  "máy lấy số."),
}


def refuse(code: str, **details: object) -> NoReturn:
    """Raise the refusal ``code`` with its reason, filled with ``details``."""
    raise QueueError(code, REASONS[code], **details)
