"""Refusals the queue engine gives instead of acting, with a stable code and a Vietnamese message."""

from __future__ import annotations

MESSAGES = {
    "unknown_field": "Lĩnh vực không tồn tại.",
    "unknown_counter": "Quầy không tồn tại.",
    "unknown_ticket": "Không tìm thấy số thứ tự.",
    "unknown_level": "Mức đánh giá không hợp lệ.",
    "closed": "Lĩnh vực này hiện không nhận số. Xin quay lại trong giờ làm việc.",
    "daily_cap": "Lĩnh vực này đã hết số trong ngày hôm nay.",
    "hall_full": "Hiện đã đủ số người chờ. Xin vui lòng quay lại sau ít phút.",
    "no_current_ticket": "Quầy chưa gọi số nào.",
    "too_early": "Cần gọi lại thêm trước khi bỏ qua số này.",
    "not_missed": "Số này không nằm trong danh sách vắng mặt.",
    "bad_transfer": "Không thể chuyển đến nơi đã chọn.",
    "not_paused": "Quầy đang không tạm dừng.",
}


class QueueError(Exception):
    """The engine refused: ``code`` is stable for programs, ``message`` is for people."""

    def __init__(self, code: str, message: str | None = None, **details: object):
        self.code = code
        self.message = message or MESSAGES.get(code, code)
        self.details = details
        super().__init__(f"{code}: {self.message}")
