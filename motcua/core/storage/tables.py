"""The database schema (SQLAlchemy Core). Change it only together with a migration."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# All datetimes are naive UTC.

officers = Table(
    "officers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False, default=""),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False, default="officer"),
    Column("counters", Text, nullable=False, default=""),  # comma-separated ids; "" = all
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", String(10), nullable=False),  # local service day, YYYY-MM-DD
    Column("origin_field_id", String(40), nullable=False),  # the field that numbered it
    Column("round", Integer, nullable=False, default=0, server_default="0"),  # bumped by a reset
    Column("seq", Integer, nullable=False),
    Column("number", String(16), nullable=False),
    Column("field_id", String(40), nullable=False),  # the field it waits in now
    Column("target_counter_id", String(40)),  # set when transferred to one counter
    Column("priority", Boolean, nullable=False, default=False),
    Column("transferred", Boolean, nullable=False, default=False),
    Column("state", String(12), nullable=False),
    Column("request_id", String(64), unique=True),
    Column("token", String(24), nullable=False, unique=True),
    Column("device_id", String(40)),
    Column("issued_at", DateTime, nullable=False),
    Column("queued_at", DateTime, nullable=False),  # issue time, or transfer time
    Column("called_at", DateTime),
    Column("finished_at", DateTime),
    Column("counter_id", String(40)),
    Column("officer_id", Integer, ForeignKey("officers.id")),
    Column("call_count", Integer, nullable=False, default=0),
    Column("dossier_code", String(64)),
    # issued at an appointment's check-in: called first within its slot (queue.booked order)
    Column("booked", Boolean, nullable=False, server_default=false()),
    # how it was taken: "kiosk", "remote" (a phone, /lay-so) or "appointment" (a check-in)
    Column("channel", String(12), nullable=False, server_default="kiosk"),
    UniqueConstraint("day", "round", "origin_field_id", "seq", name="uq_tickets_day_number"),
    Index("ix_tickets_day_state", "day", "state"),
    Index("ix_tickets_counter_called", "counter_id", "called_at"),
    # the wait estimate: a field's last services, newest first, without reading every day's
    Index("ix_tickets_field_finished", "field_id", "state", "finished_at"),
)

sequences = Table(
    "sequences",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("field_id", String(40), primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

counter_states = Table(
    "counter_states",
    metadata,
    Column("counter_id", String(40), primary_key=True),
    Column("officer_id", Integer, ForeignKey("officers.id")),
    Column("current_ticket_id", Integer, ForeignKey("tickets.id")),
    Column("paused", Boolean, nullable=False, default=False),
    Column("pause_reason", String(200), nullable=False, default=""),
    Column("normals_since_priority", Integer, nullable=False, default=0),
    Column("updated_at", DateTime, nullable=False),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rating_id", String(36), nullable=False, unique=True),
    Column("counter_id", String(40), nullable=False),
    Column("level", String(40), nullable=False),
    Column("ticket_id", Integer, ForeignKey("tickets.id")),
    Column("officer_id", Integer, ForeignKey("officers.id")),
    Column("field_id", String(40)),
    Column("pressed_at", DateTime, nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("source", String(60), nullable=False, default=""),
    # Reports: counts over a pressed_at range read this index only; dissatisfied cases by level.
    Index("ix_ratings_report", "pressed_at", "level", "officer_id", "counter_id", "field_id"),
    Index("ix_ratings_level_pressed", "level", "pressed_at"),
    Index("ix_ratings_ticket", "ticket_id"),
)

# Append-only: every committed state change, who did it and when. Row ids are event ids.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("ticket_id", Integer),
    Column("counter_id", String(40)),
    Column("data", Text, nullable=False, default="{}"),
)

# Small key/value facts the system keeps about itself (e.g. the current service day).
meta = Table(
    "meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

# The latest heartbeat of each device (kiosk: printer status; rating station: outbox backlog).
device_status = Table(
    "device_status",
    metadata,
    Column("device_id", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("address", String(64), nullable=False, default=""),
    Column("info", Text, nullable=False, default="{}"),
)

# Booked times (đặt lịch hẹn). ``name`` and ``phone`` are the only personal data in the database:
# erased (NULL, ``erased_at`` set) ``appointments.retention_days`` after ``day``. The code is
# what the citizen types at the kiosk (unique per day); the cancelling secret is kept hashed.
appointments = Table(
    "appointments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("field_id", String(40), nullable=False),
    Column("day", String(10), nullable=False),  # local day, YYYY-MM-DD
    Column("slot", String(5), nullable=False),  # local start, HH:MM
    Column("starts_at", DateTime, nullable=False),
    Column("slot_minutes", Integer, nullable=False),
    Column("code", String(8), nullable=False),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("request_id", String(64), unique=True),
    Column("name", String(100)),
    Column("phone", String(16)),
    Column("state", String(12), nullable=False),
    Column("booked_at", DateTime, nullable=False),
    Column("checked_in_at", DateTime),
    Column("cancelled_at", DateTime),
    Column("ticket_id", Integer, ForeignKey("tickets.id")),
    Column("erased_at", DateTime),
    UniqueConstraint("day", "code", name="uq_appointments_day_code"),
    Index("ix_appointments_day_field", "day", "field_id", "slot"),
    Index("ix_appointments_state_starts", "state", "starts_at"),
)

# How many live bookings each slot holds: the row a booking increments (and locks) to check the
# slot's capacity, so concurrent bookings never exceed it; a cancellation gives the place back.
appointment_slots = Table(
    "appointment_slots",
    metadata,
    Column("field_id", String(40), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("slot", String(5), primary_key=True),
    Column("booked", Integer, nullable=False),
)

# Remote tickets (lấy số từ xa) taken today per key: a phone (its cookie's id, hashed), a client
# address (hashed) or a field. A remote issue increments (and locks) its rows in its transaction
# and is rolled back past the limit, so the limits hold across server processes. Rows of past
# days are deleted.
remote_counts = Table(
    "remote_counts",
    metadata,
    Column("day", String(10), primary_key=True),  # local day, YYYY-MM-DD
    Column("key", String(48), primary_key=True),  # "phone:<hash>", "address:<hash>", "field:<id>"
    Column("taken", Integer, nullable=False),
)

# Recent attempts per key of a limit shared by the server processes (the public bookings per
# client address and hour): one row per attempt, the key hashed with the server's secret. Rows
# older than the limit's window are deleted (``storage/attempts.py``).
attempts = Table(
    "attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(48), nullable=False),  # "<scope>:<hash>", e.g. "booking:<hash>"
    Column("at", DateTime, nullable=False),
    Index("ix_attempts_key_at", "key", "at"),
    Index("ix_attempts_at", "at"),
)
