"""field id: the columns that hold a field (lĩnh vực) are named after it, like the code

``tickets.service_id`` and ``origin_service_id``, ``sequences.service_id`` (part of its primary
key) and ``ratings.service_id`` (in ``ix_ratings_report``) become ``field_id`` and
``origin_field_id``. Constraints and indexes keep their names and follow their columns: on
PostgreSQL ``ALTER TABLE ... RENAME COLUMN``, on SQLite a batch rebuild of each table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 15:30:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RENAMES = {
    "tickets": (("origin_service_id", "origin_field_id"), ("service_id", "field_id")),
    "sequences": (("service_id", "field_id"),),
    "ratings": (("service_id", "field_id"),),
}


def _rename(backwards: bool) -> None:
    for table, columns in RENAMES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for old, new in columns:
                if backwards:
                    old, new = new, old
                batch_op.alter_column(old, new_column_name=new)


def upgrade() -> None:
    _rename(backwards=False)


def downgrade() -> None:
    _rename(backwards=True)
