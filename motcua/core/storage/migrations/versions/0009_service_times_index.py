"""an index for the wait estimate: a field's last finished tickets, newest first

Without it the estimate read every ticket ever issued and sorted a field's finished ones, at each
refresh of each field (77 ms a field on a year of 450,000 tickets, x86; several times that on a
Raspberry Pi); with it, the 20 it needs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 11:10:00
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tickets_field_finished", "tickets", ["field_id", "state", "finished_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_field_finished", table_name="tickets")
