"""The OpenAPI 3 document of API v1, built from the same body models the routes validate with."""

from __future__ import annotations

import copy

import msgspec

from config.schema import Config
from motcua import __version__
from motcua.core.queue.events import KINDS
from motcua.core.reports.period import FIRST_DAY, LAST_DAY

from . import bodies

_STR = {"type": "string"}
_INT = {"type": "integer"}
_SSE_EVENT = {
    "type": "object", "required": ["data", "event"],
    "properties": {
        "event": {"type": "string", "enum": ["snapshot", "keepalive", *KINDS]},
        "data": {"type": "string", "contentMediaType": "application/json"},
        "id": {"type": "string", "pattern": "^[0-9]+$"},
        "retry": _INT,
    },
}
"""One message of ``GET /events``, as OpenAPI 3.2's ``itemSchema`` (3.1 readers take ``schema``)."""
_BOOL = {"type": "boolean"}
_TIME = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


SCHEMAS: dict = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"],
                                 "properties": {"code": _STR, "message": _STR}}},
    },
    "Health": {"type": "object", "required": ["status", "db", "version"],
               "properties": {"status": {"enum": ["ok", "degraded"],
                                         "description": "degraded: the database does not answer "
                                                        "(503), or the disk is full (200)"},
                              "db": _STR, "version": _STR,
                              "event_streams": {
                                  "type": "object", "required": ["open", "limit"],
                                  "properties": {"open": _INT,
                                                 "limit": {"type": ["integer", "null"]},
                                                 "per_address": {"type": ["integer", "null"]}}},
                              "disk": _ref("Disk")}},
    "Disk": {"type": "object", "description": "The data folder's disk: low below "
             "low_below_bytes free; full when almost nothing is free or the last write was "
             "refused for want of space",
             "required": ["status", "free_bytes", "low_below_bytes"],
             "properties": {"status": {"enum": ["ok", "low", "full"]},
                            "free_bytes": {"type": ["integer", "null"]},
                            "low_below_bytes": _INT}},
    "Service": {
        "type": "object",
        "required": ["id", "code", "name", "open", "waiting", "estimated_wait_s"],
        "properties": {"id": _STR, "code": _STR, "name": _STR, "name_en": _STR, "open": _BOOL,
                       "waiting": _INT, "estimated_wait_s": _INT},
    },
    "CounterRef": {"type": "object", "required": ["id", "number"],
                   "properties": {"id": _STR, "number": _INT, "name": _STR}},
    "Ticket": {
        "type": "object",
        "required": ["id", "number", "service_id", "state", "priority", "issued_at"],
        "properties": {
            "id": _INT, "number": _STR, "service_id": _STR, "service_name": _STR,
            "service_name_en": _STR,
            "state": {"enum": ["waiting", "called", "serving", "done", "skipped", "transferred",
                               "expired"]},
            "priority": _BOOL, "transferred": _BOOL, "issued_at": {"type": "string", "format": "date-time"},
            "called_at": _TIME, "finished_at": _TIME, "call_count": _INT,
            "counter": _nullable(_ref("CounterRef")),
            "waiting_before": {"type": ["integer", "null"]},
            "position": {"type": ["integer", "null"]},
            "estimated_wait_s": {"type": ["integer", "null"]},
            "track_url": _STR, "dossier_code": _STR,
            "booked": {"type": "boolean", "description": "Issued at an appointment's check-in"},
            "channel": {"enum": ["kiosk", "remote", "appointment"],
                        "description": "How it was taken: at a kiosk (or by an officer), on a "
                                       "phone (remote), at an appointment's check-in"},
        },
    },
    "TicketReply": {"type": "object", "required": ["ticket"],
                    "properties": {"ticket": _nullable(_ref("Ticket"))}},
    "Rating": {
        "type": "object", "required": ["id", "rating_id", "counter_id", "level", "created"],
        "properties": {"id": _INT, "rating_id": _STR, "counter_id": _STR, "level": _STR,
                       "ticket_id": {"type": ["integer", "null"]}, "pressed_at": _STR,
                       "created": _BOOL},
    },
    "Officer": {"type": "object", "required": ["id", "username", "role", "counters"],
                "properties": {"id": _INT, "username": _STR, "full_name": _STR,
                               "role": {"enum": ["officer", "admin"]},
                               "counters": {"type": "array", "items": _STR}}},
    "Login": {"type": "object", "required": ["token", "officer"],
              "properties": {"token": _STR, "officer": _ref("Officer")}},
    "Display": {
        "type": "object",
        "required": ["centre", "day", "last_event_id", "counters", "recent_calls", "services",
                     "notices"],
        "properties": {
            "centre": {"type": "object"}, "day": _STR, "server_time": _STR, "last_event_id": _INT,
            "counters": {"type": "array", "items": {
                "type": "object", "required": ["id", "number", "paused", "ticket"]}},
            "recent_calls": {"type": "array", "items": {"type": "object"}},
            "services": {"type": "array", "items": _ref("Service")},
            "notices": {"type": "array", "items": _STR},
        },
    },
    "CounterView": {"type": "object", "required": ["counter", "ticket", "waiting", "missed", "today"],
                    "properties": {"printer_alerts": {
                        "type": "array", "description": "Kiosks whose printer stops them now",
                        "items": {"type": "object", "required": ["device", "status"],
                                  "properties": {"device": _STR, "status": {
                                      "enum": ["paper_out", "cover_open", "offline"]}}}}}},
    "Ok": {"type": "object"},
}

_HHMM = {"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"}
APPOINTMENT_SCHEMAS: dict = {
    "Appointment": {
        "type": "object",
        "required": ["id", "service_id", "day", "slot", "end", "starts_at", "state", "code"],
        "properties": {
            "id": _INT, "service_id": _STR, "service_name": _STR, "service_name_en": _STR,
            "day": {"type": "string", "format": "date"}, "slot": _HHMM, "end": _HHMM,
            "starts_at": {"type": "string", "format": "date-time"},
            "state": {"enum": ["booked", "cancelled", "checked_in", "late", "walked_in",
                               "no_show"]},
            "code": {"type": "string", "description": "Six digits, typed at the kiosk (the last "
                                                      "is a check digit)"},
            "ticket_number": {"type": ["string", "null"]},
            "name": {"type": ["string", "null"], "description": "Officers, and the holder"},
            "phone": {"type": ["string", "null"],
                      "description": "Officers; masked for the holder; null once erased"},
        },
    },
    "AppointmentReply": {"type": "object", "required": ["appointment"],
                         "properties": {"appointment": _ref("Appointment")}},
    "Booking": {"type": "object", "required": ["appointment"],
                "properties": {"appointment": _ref("Appointment"), "secret": {
                    "type": "string", "description": "Cancels the booking; given once, with 201"}}},
    "AppointmentServices": {"type": "array", "items": {
        "type": "object", "required": ["id", "name", "slot_minutes", "capacity", "days_ahead"],
        "properties": {"id": _STR, "name": _STR, "name_en": _STR, "slot_minutes": _INT,
                       "capacity": _INT, "days_ahead": _INT}}},
    "AppointmentSlots": {
        "type": "object", "required": ["service_id", "days"],
        "properties": {"service_id": _STR, "days": {"type": "array", "items": {
            "type": "object", "required": ["day", "open", "slots"],
            "properties": {"day": {"type": "string", "format": "date"}, "open": _BOOL,
                           "slots": {"type": "array", "items": {
                               "type": "object", "required": ["start", "end", "capacity", "free"],
                               "properties": {"start": _HHMM, "end": _HHMM, "capacity": _INT,
                                              "free": _INT}}}}}}},
    },
    "CheckIn": {"type": "object", "required": ["ticket", "appointment"],
                "properties": {"ticket": _ref("Ticket"), "appointment": _ref("Appointment")}},
    "CounterAppointments": {"type": "object", "required": ["day", "appointments"],
                            "properties": {"day": {"type": "string", "format": "date"},
                                           "appointments": {"type": "array",
                                                            "items": _ref("Appointment")}}},
}

_BODIES = {
    "IssueBody": bodies.IssueBody, "RemoteTicketBody": bodies.RemoteTicketBody,
    "BookBody": bodies.BookBody, "SecretBody": bodies.SecretBody,
    "CheckInBody": bodies.CheckInBody, "TransferBody": bodies.TransferBody,
    "PauseBody": bodies.PauseBody, "DossierBody": bodies.DossierBody, "CallMissedBody": bodies.CallMissedBody,
    "RatingBody": bodies.RatingBody, "LoginBody": bodies.LoginBody,
    "HeartbeatBody": bodies.HeartbeatBody,
}


def _body_schemas() -> dict:
    _, schemas = msgspec.json.schema_components(_BODIES.values(),
                                                ref_template="#/components/schemas/{name}")
    out = {}
    for name, model in _BODIES.items():
        schema = dict(schemas[model.__name__])
        schema.pop("title", None)
        out[name] = schema
    return out


def _json(schema_name: str, description: str = "OK") -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref(schema_name)}}}


def _errors(*statuses: int) -> dict:
    return {str(s): _json("Error", "Error") for s in statuses}


_NOT_WRITTEN = {"503": {
    "description": "Nothing was changed: the database is unavailable (code unavailable), or the "
                   "server's disk is full (code disk_full, with Retry-After); try again later",
    "headers": {"Retry-After": {"schema": _INT, "description": "Seconds, with disk_full"}},
    "content": {"application/json": {"schema": _ref("Error")}}}}
"""The answer of any operation that writes, when it cannot."""


def _op(summary: str, responses: dict, *, body: str | None = None, security: list | None = None,
        params: list | None = None, tag: str = "queue", body_required: bool = True) -> dict:
    op: dict = {"summary": summary, "tags": [tag], "responses": responses}
    if body:
        op["requestBody"] = {"required": body_required,
                             "content": {"application/json": {"schema": _ref(body)}}}
    if security is not None:
        op["security"] = security
    if params:
        op["parameters"] = params
    return op


DEVICE = [{"bearer": []}]
OFFICER = [{"bearer": []}, {"session": []}]
PUBLIC: list = []
COUNTER_PARAM = [{"name": "counter_id", "in": "path", "required": True, "schema": _STR}]


def _counter_action(summary: str, body: str | None = None, reply: str = "TicketReply",
                    body_required: bool = True) -> dict:
    return {"post": _op(summary, {"200": _json(reply), **_errors(400, 401, 403, 404, 409),
                                  **_NOT_WRITTEN},
                        body=body, security=OFFICER, params=COUNTER_PARAM, tag="counter",
                        body_required=body_required)}


# -- reports (admins only) ---------------------------------------------------------------------
_NUM = {"type": ["number", "null"]}
_GROUP = {"type": "object", "description": "One entry per grouping dimension, e.g. "
          "{\"officer\": {\"id\": 3, \"name\": \"Nguyễn Văn An\"}}",
          "additionalProperties": {"type": "object", "required": ["id", "name"],
                                   "properties": {"id": {"type": ["string", "integer", "null"]},
                                                  "name": _STR}}}
_SUMMARY = {"type": "object", "required": ["count", "mean_s", "median_s", "p90_s"],
            "properties": {"count": _INT, "mean_s": _NUM, "median_s": _NUM, "p90_s": _NUM}}
_PERIOD = {"centre": _STR, "from": {"type": "string", "format": "date"},
           "to": {"type": "string", "format": "date"}}
REPORT_SCHEMAS: dict = {
    "SatisfactionRow": {
        "type": "object", "required": ["group", "total", "levels", "dissatisfied", "score"],
        "properties": {
            "group": _GROUP, "total": _INT, "dissatisfied": _INT,
            "score": {**_NUM, "description": "Decision 766: (total - dissatisfied) / total x 100"},
            "levels": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "count", "percent"],
                "properties": {"id": _STR, "name": _STR, "count": _INT, "percent": _NUM}}},
        },
    },
    "SatisfactionReport": {
        "type": "object", "required": ["centre", "from", "to", "group_by", "levels", "rows", "total"],
        "properties": {
            **_PERIOD, "group_by": {"type": "array", "items": _STR},
            "levels": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "dissatisfied"],
                "properties": {"id": _STR, "name": _STR, "dissatisfied": _BOOL}}},
            "rows": {"type": "array", "items": _ref("SatisfactionRow")},
            "total": _ref("SatisfactionRow"),
        },
    },
    "WaitingRow": {
        "type": "object",
        "required": ["group", "tickets", "called", "served", "no_show", "no_show_rate", "wait",
                     "service", "within_target", "within_target_rate"],
        "properties": {
            "group": _GROUP, "tickets": _INT, "called": _INT, "served": _INT, "no_show": _INT,
            "no_show_rate": _NUM, "wait": _SUMMARY, "service": _SUMMARY, "within_target": _INT,
            "within_target_rate": _NUM,
        },
    },
    "WaitingReport": {
        "type": "object",
        "required": ["centre", "from", "to", "group_by", "target_wait_minutes", "rows", "total"],
        "properties": {
            **_PERIOD, "group_by": {"type": "array", "items": _STR},
            "target_wait_minutes": {"type": "number"},
            "rows": {"type": "array", "items": _ref("WaitingRow")}, "total": _ref("WaitingRow"),
        },
    },
    "AppointmentRow": {
        "type": "object",
        "required": ["group", "bookings", "cancelled", "checked_in", "late", "no_show", "pending",
                     "no_show_rate", "offered", "capacity_use", "checked_in_use", "wait"],
        "properties": {
            "group": _GROUP, "bookings": _INT, "cancelled": _INT,
            "checked_in": {**_INT, "description": "In time or late (late: of which after the grace period)"},
            "late": _INT, "no_show": _INT,
            "pending": {**_INT, "description": "Booked or late, not yet checked in nor a no-show"},
            "no_show_rate": {**_NUM, "description": "no_show / (checked_in + no_show) x 100"},
            "offered": {**_INT, "description": "Places of the slots the current slot plans offer"},
            "capacity_use": {**_NUM, "description": "(bookings - cancelled) / offered x 100"},
            "checked_in_use": {**_NUM, "description": "checked_in / offered x 100"},
            "wait": {"type": "object", "required": ["appointment", "walk_in", "kiosk", "remote"],
                     "description": "Waits to the call: appointment tickets from the slot's start "
                                    "(or a later check-in); walk-ins (kiosk and remote) from the issue",
                     "properties": {k: _SUMMARY for k in ("appointment", "walk_in", "kiosk", "remote")}},
        },
    },
    "AppointmentReport": {
        "type": "object", "required": ["centre", "from", "to", "group_by", "rows", "total"],
        "properties": {
            **_PERIOD, "group_by": {"type": "array", "items": _STR},
            "rows": {"type": "array", "items": _ref("AppointmentRow")}, "total": _ref("AppointmentRow"),
        },
    },
    "DissatisfiedReport": {
        "type": "object", "required": ["centre", "from", "to", "count", "cases"],
        "properties": {
            **_PERIOD, "count": _INT,
            "cases": {"type": "array", "items": {
                "type": "object",
                "required": ["rating_id", "pressed_at", "level", "level_name", "number", "counter_id",
                             "counter_name", "officer_name", "dossier_code"],
                "properties": {
                    "rating_id": _STR, "pressed_at": {"type": "string", "format": "date-time"},
                    "level": _STR, "level_name": _STR, "ticket_id": {"type": ["integer", "null"]},
                    "number": {"type": ["string", "null"]},
                    "dossier_code": {"type": ["string", "null"]}, "counter_id": _STR,
                    "counter_name": _STR, "officer_id": {"type": ["integer", "null"]},
                    "officer_name": _STR, "service_id": {"type": ["string", "null"]},
                    "service_name": _STR,
                }}},
        },
    },
}
ADMIN = OFFICER


def _report_op(summary: str, schema: str, group_by: tuple[str, ...] | None) -> dict:
    date = {"type": "string", "format": "date",
            "description": f"From {FIRST_DAY} to {LAST_DAY}"}
    params = [
        {"name": "from", "in": "query", "required": True, "schema": date,
         "description": "First local day (YYYY-MM-DD), in the centre's time zone"},
        {"name": "to", "in": "query", "required": True, "schema": date,
         "description": "Last local day, included; at most about 5 years after from"},
        {"name": "format", "in": "query", "required": False,
         "schema": {"enum": ["json", "csv", "xlsx"], "default": "json"},
         "description": "csv (UTF-8 with BOM) or xlsx: a download with a title row"},
    ]
    if group_by:
        params.insert(2, {"name": "group_by", "in": "query", "required": False,
                          "schema": _STR, "description": "Up to two of: " + ", ".join(group_by)
                          + " (comma-separated, one time unit at most); none: the total only"})
    ok = {"description": "The report (JSON), or a file download with format=csv|xlsx",
          "content": {"application/json": {"schema": _ref(schema)},
                      "text/csv": {"schema": _STR},
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                          {"schema": {"type": "string", "format": "binary"}}}}
    return {"get": _op(summary, {"200": ok, **_errors(400, 401, 403)}, security=ADMIN,
                       params=params, tag="reports")}


def _report_paths() -> dict:
    from motcua.core.reports.appointments import DIMENSIONS as APPOINTMENTS_BY
    from motcua.core.reports.satisfaction import DIMENSIONS as SATISFACTION_BY
    from motcua.core.reports.waiting import DIMENSIONS as WAITING_BY

    return {
        "/reports/satisfaction": _report_op(
            "Satisfaction: votes and % per level, Decision 766 score, per group (admins)",
            "SatisfactionReport", SATISFACTION_BY),
        "/reports/waiting": _report_op(
            "Waiting and service times (mean, median, p90), volumes, no-shows, share within the "
            "target wait (admins)", "WaitingReport", WAITING_BY),
        "/reports/dissatisfied": _report_op(
            "Dissatisfied votes with ticket, counter, officer and dossier code (admins)",
            "DissatisfiedReport", None),
        "/reports/appointments": _report_op(
            "Appointments against walk-ins: bookings, no-shows, use of the slots' places, waits "
            "from the slot's start against walk-ins' from the issue, by channel (admins)",
            "AppointmentReport", APPOINTMENTS_BY),
    }


# -- admin (admins only) -----------------------------------------------------------------------
ADMIN_SCHEMAS: dict = {
    "AdminDashboard": {
        "type": "object",
        "required": ["server_time", "day", "services", "counters", "totals", "satisfaction",
                     "devices", "screens", "stale_after_s", "server"],
        "properties": {
            "server_time": {"type": "string", "format": "date-time"}, "day": _STR,
            "services": {"type": "array", "items": _ref("Service")},
            "counters": {"type": "array", "items": {
                "type": "object", "required": ["id", "number", "open", "paused", "officer", "ticket"],
                "properties": {
                    "id": _STR, "number": _INT, "name": _STR, "fields": {"type": "array", "items": _STR},
                    "open": _BOOL, "paused": _BOOL, "pause_reason": _STR,
                    "officer": _nullable({"type": "object", "properties": {"username": _STR,
                                                                           "full_name": _STR}}),
                    "ticket": _nullable({"type": "object", "properties": {
                        "number": _STR, "service_id": _STR, "state": _STR, "called_at": _TIME}}),
                }}},
            "totals": {"type": "object", "description": "Today's tickets: issued, served, skipped, "
                       "waiting, at_counter, expired",
                       "additionalProperties": _INT},
            "satisfaction": {"type": "object", "required": ["total", "score", "levels"],
                             "properties": {"total": _INT, "score": _NUM, "dissatisfied": _INT,
                                            "levels": {"type": "array", "items": {"type": "object"}}}},
            "devices": {"type": "array", "items": {
                "type": "object", "required": ["id", "kind", "name", "last_seen", "online"],
                "properties": {
                    "id": _STR, "kind": {"enum": ["kiosk", "rating_station"]}, "name": _STR,
                    "counters": {"type": "array", "items": _INT,
                                 "description": "Numbers of the counters a rating station serves"},
                    "last_seen": _TIME,
                    "age_s": {"type": ["integer", "null"]}, "online": _BOOL, "address": _STR,
                    "printer_status": {"type": ["string", "null"]},
                    "outbox_backlog": {"type": ["integer", "null"]}, "dead_letters": _INT,
                    "detail": _STR, "version": _STR,
                }}},
            "screens": {"type": "integer", "description": "Live event-stream connections now"},
            "stale_after_s": _INT,
            "server": {
                "type": "object", "description": "This server process: memory in bytes (None "
                "where it cannot be read), the data folder's disk, its event streams",
                "required": ["version", "database", "started_at", "memory", "disk", "streams",
                             "backup"],
                "properties": {
                    "version": _STR, "database": {"enum": ["SQLite", "PostgreSQL"]},
                    "started_at": {"type": "string", "format": "date-time"},
                    "memory": {"type": "object", "properties": {
                        k: {"type": ["integer", "null"]}
                        for k in ("process_bytes", "available_bytes", "total_bytes")}},
                    "disk": _ref("Disk"),
                    "streams": {"type": "object", "properties": {
                        "open": _INT, "limit": {"type": ["integer", "null"]}}},
                    "backup": {
                        "type": "object", "required": ["state", "last_ok", "last_error"],
                        "description": "The nightly backups as `motcua backup` noted them: ok, "
                        "failed (after the last good one), old (none for 48 h), none yet, "
                        "untracked (PostgreSQL)",
                        "properties": {
                            "state": {"enum": ["ok", "failed", "old", "none", "untracked"]},
                            "last_ok": _nullable({"type": "object", "properties": {
                                "at": _STR, "file": _STR, "size": _INT}}),
                            "last_error": _nullable({"type": "object", "properties": {
                                "at": _STR, "message": _STR}})}}}},
        },
    },
}


def _admin_paths() -> dict:
    return {
        "/admin/dashboard": {"get": _op(
            "Admin dashboard: counters with their officers, today's totals and satisfaction, "
            "devices with their last heartbeat, connected screens (admins)",
            {"200": _json("AdminDashboard"), **_errors(401, 403)}, security=ADMIN, tag="admin")},
    }


_LIMITED = {"429": {
    "description": "Too many attempts from this address (booking) or too many wrong codes in a "
                   "row (check-in): try again after Retry-After seconds",
    "headers": {"Retry-After": {"schema": _INT}},
    "content": {"application/json": {"schema": _ref("Error")}}}}


def _appointment_paths() -> dict:
    secret = {"200": _json("AppointmentReply"), **_errors(400, 404, 409)}
    return {
        "/appointments/services": {"get": _op(
            "Fields that take appointments, with their slot plans",
            {"200": _json("AppointmentServices")}, security=PUBLIC, tag="appointments")},
        "/appointments/slots": {"get": _op(
            "Free places per slot, from today to the field's days_ahead (slots that have begun "
            "are left out; a closed day has none)",
            {"200": _json("AppointmentSlots"), **_errors(400)}, security=PUBLIC,
            tag="appointments", params=[
                {"name": "service_id", "in": "query", "required": True, "schema": _STR},
                {"name": "days", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 0, "maximum": 90},
                 "description": "Fewer days than the field's days_ahead"}])},
        "/appointments": {"post": _op(
            "Book a slot (public, limited per client address). 201 with the secret that "
            "cancels it; the same request_id again: 200 without it",
            {"201": _json("Booking", "Booked"), "200": _json("Booking", "Already booked"),
             **_errors(400, 409), **_LIMITED, **_NOT_WRITTEN}, body="BookBody",
            security=PUBLIC, tag="appointments")},
        "/appointments/lookup": {"post": _op(
            "A booking by its secret (the holder's view)", secret, body="SecretBody",
            security=PUBLIC, tag="appointments")},
        "/appointments/cancel": {"post": _op(
            "Cancel a booking with its secret, until its slot starts",
            {**secret, **_NOT_WRITTEN}, body="SecretBody", security=PUBLIC, tag="appointments")},
        "/appointments/check-in": {"post": _op(
            "Check in today's booking by its code (kiosk or officer): a ticket in the field's "
            "number series, 201; the same booking again: 200 with the same ticket",
            {"201": _json("CheckIn", "Checked in"), "200": _json("CheckIn", "Already checked in"),
             **_errors(400, 401, 403, 404, 409), **_LIMITED, **_NOT_WRITTEN},
            body="CheckInBody", security=DEVICE, tag="appointments")},
        "/counters/{counter_id}/appointments": {"get": _op(
            "The counter's fields' appointments of today, by slot, with names and phone numbers "
            "(officers)", {"200": _json("CounterAppointments"), **_errors(401, 403, 404)},
            security=OFFICER, params=COUNTER_PARAM, tag="counter")},
    }


def _remote_paths() -> dict:
    return {"/remote-tickets": {"post": _op(
        "Take a ticket on a phone (lấy số từ xa; public): the kiosk's number series, hours and "
        "caps, limited per phone (the motcua_phone cookie, set on the first answer) and per client "
        "address a day (429 remote_phone_limit, remote_address_limit with Retry-After: the next "
        "day), per field (409 remote_cap) and to the centre's networks (403 outside_network; "
        "403 remote_off when the centre takes none). The same request_id returns the same "
        "ticket with 200",
        {"201": _json("Ticket", "Created"), "200": _json("Ticket", "Already issued"),
         **_errors(400, 403, 409), "429": {
             "description": "This phone or address has taken its tickets of the day: try again "
                            "after Retry-After seconds (the next day)",
             "headers": {"Retry-After": {"schema": _INT}},
             "content": {"application/json": {"schema": _ref("Error")}}},
         **_NOT_WRITTEN}, body="RemoteTicketBody", security=PUBLIC, tag="remote")}}


def document(config: Config) -> dict:
    """The whole document; the ids in examples come from ``config``."""
    paths = {
        "/health": {"get": _op("Liveness, database and disk space check", {
            "200": _json("Health"), "503": _json("Health", "Database unavailable")},
            security=PUBLIC, tag="public")},
        "/services": {"get": _op("Fields with people waiting and estimated wait", {
            "200": {"description": "OK", "content": {"application/json": {
                "schema": {"type": "array", "items": _ref("Service")}}}}},
            security=PUBLIC, tag="public")},
        "/tickets": {"post": _op(
            "Issue a ticket (kiosk). The same request_id returns the same ticket with 200.",
            {"201": _json("Ticket", "Created"), "200": _json("Ticket", "Already issued"),
             **_errors(400, 401, 403, 409), **_NOT_WRITTEN}, body="IssueBody", security=DEVICE)},
        "/tickets/{ticket_id}": {"get": _op("A ticket's state and position", {
            "200": _json("Ticket"), **_errors(404)}, security=PUBLIC, tag="public",
            params=[{"name": "ticket_id", "in": "path", "required": True, "schema": _INT}])},
        "/track/{token}": {"get": _op("A ticket by its tracking token (phone page)", {
            "200": _json("Ticket"), **_errors(404)}, security=PUBLIC, tag="public",
            params=[{"name": "token", "in": "path", "required": True, "schema": _STR}])},
        "/display": {"get": _op("Snapshot for hall and counter screens", {
            "200": _json("Display")}, security=PUBLIC, tag="public")},
        "/events": {"get": _op(
            "Server-Sent Events: a snapshot (or a replay after Last-Event-ID), then every event "
            "as it commits, each followed shortly by a `snapshot` message without an id (the "
            "display, at most one per 250 ms)",
            {"200": {"description": "text/event-stream; the schema is one event's",
                     "content": {"text/event-stream": {"schema": _SSE_EVENT}}},
             "429": _json("Error", "This client address holds as many anonymous streams as it "
                          "may ([server] streams_per_address; a device token is not capped); "
                          "try again after Retry-After seconds"),
             "503": _json("Error", "This server process holds as many streams as its memory "
                          "allows; try again after Retry-After seconds")},
            security=PUBLIC, tag="public",
            params=[{"name": "Last-Event-ID", "in": "header", "required": False, "schema": _STR},
                    {"name": "device", "in": "query", "required": False, "schema": _STR,
                     "description": "a registered screen's device token (an EventSource cannot "
                                    "send headers): its streams are not capped per address"},
                    {"name": "snapshots", "in": "query", "required": False, "schema": _STR,
                     "description": "0: no display snapshots after the opening one, events "
                                    "only (the phone page, which follows one ticket); any "
                                    "other value, or none: with them"}])},
        "/announcements/{event_id}.wav": {"get": _op("Voice announcement of a call event", {
            "200": {"description": "WAV", "content": {"audio/wav": {"schema": _STR}}},
            **_errors(404, 503)}, security=PUBLIC, tag="public",
            params=[{"name": "event_id", "in": "path", "required": True, "schema": _INT}])},
        "/ratings": {"post": _op(
            "Record a rating press; the same rating_id again is counted once (200)",
            {"201": _json("Rating", "Created"), "200": _json("Rating", "Already recorded"),
             **_errors(400, 401, 403, 404), **_NOT_WRITTEN}, body="RatingBody", security=DEVICE,
            tag="ratings")},
        "/devices/heartbeat": {"post": _op("Device heartbeat with printer status", {
            "200": _json("Ok"), **_errors(400, 401, 403), **_NOT_WRITTEN}, body="HeartbeatBody",
            security=DEVICE, tag="devices")},
        "/auth/login": {"post": _op("Officer login: a bearer token", {
            "200": _json("Login"), **_errors(400, 401, 429)}, body="LoginBody", security=PUBLIC,
            tag="auth")},
        "/auth/me": {"get": _op("The logged-in officer", {"200": {"description": "OK"},
                                                            **_errors(401, 403)},
                                security=OFFICER, tag="auth")},
        "/counters/{counter_id}": {"get": _op(
            "Officer view of a counter: current ticket, waiting, missed, today's counts",
            {"200": _json("CounterView"), **_errors(401, 403, 404)}, security=OFFICER,
            params=COUNTER_PARAM, tag="counter")},
        "/counters/{counter_id}/sign-in": _counter_action("Sit at the counter", reply="Ok"),
        "/counters/{counter_id}/sign-out": _counter_action("Leave the counter", reply="Ok"),
        "/counters/{counter_id}/call-next": _counter_action(
            "Call the next ticket (finishes the current one); ticket null when nobody waits"),
        "/counters/{counter_id}/call-missed": _counter_action(
            "Call a skipped ticket again", body="CallMissedBody"),
        "/counters/{counter_id}/recall": _counter_action("Announce the current ticket again"),
        "/counters/{counter_id}/skip": _counter_action("Mark the current ticket a no-show"),
        "/counters/{counter_id}/finish": _counter_action("Finish the current ticket"),
        "/counters/{counter_id}/transfer": _counter_action(
            "Transfer the current ticket to a field (service_id) or a counter (counter_id)",
            body="TransferBody"),
        "/counters/{counter_id}/dossier": _counter_action(
            "Record the dossier code (mã hồ sơ) of the current or last finished ticket",
            body="DossierBody", body_required=False),
        "/counters/{counter_id}/pause": _counter_action("Pause with a reason", body="PauseBody",
                                                         reply="Ok", body_required=False),
        "/counters/{counter_id}/resume": _counter_action("Resume", reply="Ok"),
        "/openapi.json": {"get": _op("This document", {"200": {"description": "OK"}},
                                     security=PUBLIC, tag="public")},
        **_appointment_paths(),
        **_remote_paths(),
        **_report_paths(),
        **_admin_paths(),
    }
    return _with_config_ids({
        "openapi": "3.1.0",
        "info": {"title": "motcua API", "version": f"1 ({__version__})",
                 "description": f"Queue API of {config.centre.name}. Errors are "
                                "{\"error\": {\"code\", \"message\"}} with a Vietnamese message."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": {**SCHEMAS, **APPOINTMENT_SCHEMAS, **REPORT_SCHEMAS, **ADMIN_SCHEMAS,
                        **_body_schemas()},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "A device token from the config, or an officer token "
                                          "from /auth/login"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "Pages: session cookie plus the X-CSRFToken header"},
            },
        },
    }, config)


def _with_config_ids(doc: dict, config: Config) -> dict:
    """Name the ids the server accepts (from the config): the counters in paths and bodies, the
    fields, the rating levels. A client, or a fuzzer, then knows what reaches the queue."""
    doc = copy.deepcopy(doc)  # the parts shared between documents stay as they are
    ids = {"counter_id": [c.id for c in config.counters],
           "service_id": [f.id for f in config.fields],
           "level": [lv.id for lv in config.ratings.effective_levels]}
    for path in doc["paths"].values():
        for op in path.values():
            for param in op.get("parameters", ()):
                if param["in"] in ("path", "query") and param["name"] in ids:
                    param["schema"] = {**param["schema"], "enum": ids[param["name"]]}
    for name in _BODIES:
        for key, prop in doc["components"]["schemas"][name].get("properties", {}).items():
            if key in ids:
                for branch in prop.get("anyOf", [prop]):
                    if branch.get("type") == "string":
                        branch["enum"] = ids[key]
    return doc
