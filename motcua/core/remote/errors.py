"""Refusals of remote tickets: a stable code and a Vietnamese reason (a msgid marked with
``N_``, translated where shown), raised as the queue's :class:`QueueError`."""

from __future__ import annotations

from typing import NoReturn

from ..i18n import N_
from ..queue.errors import QueueError

REASONS = {
    "remote_off": N_("Trung tâm chưa nhận lấy số từ xa. Xin lấy số tại máy lấy số ở trung tâm."),
    "outside_network": N_("Chỉ lấy số được khi điện thoại dùng mạng Wi-Fi của trung tâm. Xin kết "
                          "nối Wi-Fi của trung tâm rồi thử lại."),
    "remote_phone_limit": N_("Điện thoại này đã lấy đủ {limit} số trong hôm nay. Xin quay lại vào ngày "
                      "mai hoặc lấy số tại máy lấy số."),
    "remote_address_limit": N_("Mạng bạn đang dùng đã lấy đủ {limit} số trong hôm nay. Xin lấy số tại "
                        "máy lấy số ở trung tâm."),
    "remote_cap": N_("Hôm nay lĩnh vực này đã hết số lấy từ xa. Xin lấy số tại máy lấy số ở "
                     "trung tâm."),
}


def refuse(code: str, **details: object) -> NoReturn:
    """Raise the refusal ``code`` with its reason, filled with ``details``."""
    raise QueueError(code, REASONS[code], **details)
