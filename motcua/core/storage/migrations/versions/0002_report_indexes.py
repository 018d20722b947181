"""report indexes: covering index for satisfaction counts, level index for dissatisfied cases

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:00:00
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        # Replaces ix_ratings_pressed_at (its first column): counts by officer, counter or field
        # over a range of pressed_at read this index only.
        batch_op.drop_index("ix_ratings_pressed_at")
        batch_op.create_index(
            "ix_ratings_report",
            ["pressed_at", "level", "officer_id", "counter_id", "service_id"],
            unique=False,
        )
        batch_op.create_index("ix_ratings_level_pressed", ["level", "pressed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_level_pressed")
        batch_op.drop_index("ix_ratings_report")
        batch_op.create_index("ix_ratings_pressed_at", ["pressed_at"], unique=False)
