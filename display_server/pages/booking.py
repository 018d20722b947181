"""The public booking page (đặt lịch hẹn): choose a field, a day and a slot, give a name and a
phone number, get the booking code with its QR code and the link that looks the booking up or
cancels it. Plain forms that work without JavaScript (``static/js/booking.js`` only submits the
choice of field and day at once and asks before cancelling); the rules are the appointment
book's (:mod:`motcua.core.appointments`), its refusals shown in the page's language."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for

from motcua.core.appointments import Appointment, AppointmentBook, DaySlots
from motcua.core.appointments.errors import REASONS as BOOKING_REASONS
from motcua.core.i18n import N_
from motcua.core.queue import QueueError
from motcua.core.queue.errors import REASONS as QUEUE_REASONS

from ..api.errors import QUEUE_STATUS
from .common import config, field_name, stale_form, svc
from .i18n import current_lang
from .i18n import gettext as _
from .qr import qr_data_uri

bp = Blueprint("booking", __name__, url_prefix="/dat-lich")

SECRET_MAX = 64


def book() -> AppointmentBook:
    return svc().appointments


def refusal(exc: QueueError) -> str:
    """A refusal of the appointment book in the page's language."""
    reason = BOOKING_REASONS.get(exc.code) or QUEUE_REASONS.get(exc.code)
    if reason is None:
        return exc.message
    return _(reason).format(**exc.details)


WEEKDAYS = (N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"), N_("Thứ Năm"), N_("Thứ Sáu"), N_("Thứ Bảy"),
            N_("Chủ Nhật"))
"""Monday to Sunday (msgids): a day's label translates its own name only (31 days a page)."""


def weekday(day: date) -> str:
    return _(WEEKDAYS[day.weekday()])


def day_label(iso: str) -> str:
    """``Thứ Năm, 26/11/2026``: the day as people read it."""
    d = date.fromisoformat(iso)
    return _("{weekday}, {date}").format(weekday=weekday(d), date=d.strftime("%d/%m/%Y"))


def _fields() -> list[dict]:
    return [{"id": f.id, "name": field_name(f)} for f in book().bookable()]


def _choose(field_id: str, day: str) -> tuple[list[DaySlots], DaySlots | None]:
    """The days of ``field_id`` and the chosen one (else the first with a free place)."""
    days = book().search(field_id)
    chosen = next((d for d in days if d.day == day), None)
    if chosen is None:
        chosen = next((d for d in days if any(s.free for s in d.slots)), None)
    return days, chosen


def _boot() -> dict:
    return {"lang": current_lang(),
            "strings": {"confirm_cancel": _("Hủy lịch hẹn này? Chỗ của bạn sẽ được nhường cho "
                                            "người khác.")}}


def booking_form(error: str = "", status: int = 200, form: dict | None = None,
                 headers: dict | None = None):
    """The booking page: the fields, the days and slots of the chosen field, the form."""
    values = form if form is not None else request.args
    field_id = (values.get("field") or "")[:40]
    fields = _fields()
    if field_id not in {f["id"] for f in fields}:
        field_id = fields[0]["id"] if len(fields) == 1 else ""
    days, chosen = _choose(field_id, (values.get("day") or "")[:10]) if field_id else ([], None)
    page = render_template(
        "booking/book.html", fields=fields, field_id=field_id, error=error, boot=_boot(),
        days=[{"day": d.day, "label": day_label(d.day), "open": d.open,
               "free": sum(s.free for s in d.slots)} for d in days],
        chosen=chosen, chosen_label=day_label(chosen.day) if chosen else "",
        slot=(values.get("slot") or "")[:5], name=(values.get("name") or "")[:100],
        phone=(values.get("phone") or "")[:20], request_id=uuid.uuid4().hex,
        retention=config().appointments.retention_days)
    return page, status, headers or {}


@bp.get("")
def index():
    return booking_form()


@bp.post("")
def submit():
    form = request.form
    stale = stale_form()
    if stale:
        return booking_form(stale, 400, form)
    if not form.get("slot"):
        return booking_form(_("Xin chọn một khung giờ."), 400, form)
    try:
        booking = book().book(form.get("field", "")[:40], form.get("day", "")[:10],
                              form.get("slot", "")[:5], name=form.get("name", "")[:200],
                              phone=form.get("phone", "")[:40],
                              request_id=form.get("request_id", "")[:64] or None,
                              who=request.remote_addr or "?", actor="public")
    except QueueError as exc:
        wait = exc.details.get("retry_after_s")
        return booking_form(refusal(exc), QUEUE_STATUS.get(exc.code, 409), form,
                            {"Retry-After": str(wait)} if wait else None)
    if booking.secret is None:  # the same form sent twice: its booking, without the secret
        return appointment_page(booking.appointment, None, _("Lịch hẹn này đã được đặt."))
    return redirect(url_for("booking.view", secret=booking.secret, new=1), 303)


def appointment_page(a: Appointment, secret: str | None, notice: str = "", error: str = "",
                     status: int = 200):
    """A booking as its holder sees it: the code, its QR code, the slot, and cancelling."""
    cfg = config()
    fld = cfg.field(a.field_id)
    h, m = (int(x) for x in a.slot.split(":"))
    end = h * 60 + m + a.slot_minutes
    phone = f"{a.phone[:3]}****{a.phone[-3:]}" if a.phone else ""
    link = url_for("booking.view", secret=secret, _external=True) if secret else ""
    base = cfg.server.public_url.rstrip("/")
    if link and base:
        link = base + url_for("booking.view", secret=secret)
    return render_template(
        "booking/appointment.html", a=a, secret=secret, notice=notice, error=error, link=link,
        field=field_name(fld) if fld else a.field_id, day=day_label(a.day),
        end=f"{end // 60:02d}:{end % 60:02d}", phone=phone, qr=qr_data_uri(a.code),
        state=_state(a), cancellable=secret is not None and str(a.state) == "booked",
        boot=_boot()), status


def _state(a: Appointment) -> str:
    return {"booked": _("Đã đặt lịch"), "cancelled": _("Đã hủy"),
            "checked_in": _("Đã nhận số {number}").format(number=a.ticket_number or ""),
            "walked_in": _("Đã nhận số {number}").format(number=a.ticket_number or ""),
            "late": _("Đã quá giờ hẹn"), "no_show": _("Không đến theo lịch hẹn")
            }.get(str(a.state), str(a.state))


def _lookup(secret: str) -> Appointment | None:
    if not secret or len(secret) > SECRET_MAX:
        return None
    try:
        return book().by_secret(secret)
    except QueueError:
        return None


def _not_found(status: int = 404):
    return booking_form(_("Không tìm thấy lịch hẹn. Xin kiểm tra lại đường dẫn hoặc mã tra cứu."),
                        status)


@bp.get("/xem/<secret>")
def view(secret: str):
    a = _lookup(secret)
    if a is None:
        return _not_found()
    notice = ""
    if request.args.get("new"):
        notice = _("Đã đặt lịch hẹn. Xin ghi lại mã lịch hẹn hoặc chụp màn hình mã QR để nhận số "
                   "tại máy lấy số.")
    elif request.args.get("cancelled"):
        notice = _("Đã hủy lịch hẹn.")
    return appointment_page(a, secret, notice)


@bp.post("/tra-cuu")
def lookup():
    secret = request.form.get("secret", "").strip()
    secret = secret.rsplit("/", 1)[-1]  # the whole link pasted is fine too
    if _lookup(secret) is None:
        return _not_found()
    return redirect(url_for("booking.view", secret=secret), 303)


@bp.post("/huy")
def cancel():
    secret = request.form.get("secret", "")[:SECRET_MAX]
    a = _lookup(secret)
    if a is None:
        return _not_found()
    stale = stale_form()
    if stale:
        return appointment_page(a, secret, error=stale, status=400)
    try:
        book().cancel(secret)
    except QueueError as exc:
        return appointment_page(a, secret, error=refusal(exc),
                                status=QUEUE_STATUS.get(exc.code, 409))
    return redirect(url_for("booking.view", secret=secret, cancelled=1), 303)
