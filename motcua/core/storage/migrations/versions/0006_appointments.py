"""appointments: booked times, the places each slot holds, and tickets issued at a check-in

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booked", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("slot", sa.String(length=5), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("booked_at", sa.DateTime(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("erased_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_appointments_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("day", "code", name="uq_appointments_day_code"),
        sa.UniqueConstraint("request_id", name=op.f("uq_appointments_request_id")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_appointments_secret_hash")),
    )
    op.create_index("ix_appointments_day_field", "appointments", ["day", "field_id", "slot"])
    op.create_index("ix_appointments_state_starts", "appointments", ["state", "starts_at"])
    op.create_table(
        "appointment_slots",
        sa.Column("field_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("slot", sa.String(length=5), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("field_id", "day", "slot", name=op.f("pk_appointment_slots")),
    )


def downgrade() -> None:
    op.drop_table("appointment_slots")
    op.drop_index("ix_appointments_state_starts", table_name="appointments")
    op.drop_index("ix_appointments_day_field", table_name="appointments")
    op.drop_table("appointments")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("booked")
