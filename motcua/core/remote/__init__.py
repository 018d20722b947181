"""Remote tickets (lấy số từ xa): a ticket taken on a phone, in the kiosk's number series, hours
and caps, within the centre's limits (per phone, per address, per field, from which networks).
Pure Python over the queue engine (no Flask)."""

from .desk import RemoteDesk

__all__ = ["RemoteDesk"]
