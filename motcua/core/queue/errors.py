"""Refusals the queue engine gives instead of acting, with a stable code and a Vietnamese message."""

from __future__ import annotations

from ..i18n import DEFAULT, N_, words

# The reason given for each code unless the refusal names its own (Vietnamese msgids, read through
# the catalogue so that a centre's corrected wording applies).
REASONS = {
    "unknown_field": N_("Lĩnh vực không tồn tại."),
    "unknown_counter": N_("Quầy không tồn tại."),
    "unknown_ticket": N_("Không tìm thấy số thứ tự."),
    "unknown_level": N_("Mức đánh giá không hợp lệ."),
    "closed": N_("Lĩnh vực này hiện không nhận số. Xin quay lại trong giờ làm việc."),
    "daily_cap": N_("Lĩnh vực này đã hết số trong ngày hôm nay."),
    "hall_full": N_("Hiện đã đủ số người chờ. Xin vui lòng quay lại sau ít phút."),
    "no_current_ticket": N_("Quầy chưa gọi số nào."),
    "too_early": N_("Cần gọi lại thêm trước khi bỏ qua số này."),
    "not_missed": N_("Số này không nằm trong danh sách vắng mặt."),
    "bad_transfer": N_("Không thể chuyển đến nơi đã chọn."),
    "not_paused": N_("Quầy đang không tạm dừng."),
}


class QueueError(Exception):
    """The engine refused: ``code`` is stable for programs, ``message`` is for people.

    ``reason`` (a msgid marked with ``N_``, by default the code's) may name ``details`` as
    placeholders; the message is its Vietnamese wording, filled with them."""

    def __init__(self, code: str, reason: str | None = None, **details: object):
        self.code = code
        self.message = words(DEFAULT).gettext(reason or REASONS.get(code, code), **details)
        self.details = details
        super().__init__(f"{code}: {self.message}")
