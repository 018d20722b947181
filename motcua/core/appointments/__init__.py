"""Appointments (đặt lịch hẹn): bookable slots per field, booking without overbooking, cancel with
the booking's secret, check-in into the kiosk's number series, the grace period, erasure of
personal data. Pure Python over the queue engine (no Flask)."""

from .book import AppointmentBook
from .model import Appointment, AppointmentState, Booking, DaySlots, Slot

__all__ = ["Appointment", "AppointmentBook", "AppointmentState", "Booking", "DaySlots", "Slot"]
