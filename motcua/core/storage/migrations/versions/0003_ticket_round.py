"""ticket round: numbering may restart within a day (admin "reset the day")

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint("uq_tickets_day_number", type_="unique")
        batch_op.create_unique_constraint(
            "uq_tickets_day_number", ["day", "round", "origin_service_id", "seq"])


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint("uq_tickets_day_number", type_="unique")
        batch_op.create_unique_constraint(
            "uq_tickets_day_number", ["day", "origin_service_id", "seq"])
        batch_op.drop_column("round")
