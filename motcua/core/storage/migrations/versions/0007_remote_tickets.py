"""remote tickets: each ticket's channel (kiosk, remote, appointment) and the day's remote counts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=12), nullable=False,
                                      server_default="kiosk"))
    # tickets issued at an appointment's check-in before this revision
    op.execute("UPDATE tickets SET channel = 'appointment' WHERE id IN "
               "(SELECT ticket_id FROM appointments WHERE ticket_id IS NOT NULL)")
    op.create_table(
        "remote_counts",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=48), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "key", name=op.f("pk_remote_counts")),
    )


def downgrade() -> None:
    op.drop_table("remote_counts")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("channel")
