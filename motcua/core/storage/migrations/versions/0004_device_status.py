"""device status: last heartbeat of each kiosk and rating station

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_status",
        sa.Column("device_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("info", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_device_status")),
    )


def downgrade() -> None:
    op.drop_table("device_status")
