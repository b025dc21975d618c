"""outbox indexes that keep a push's cost per batch flat as the outbox's history grows

A claim asked for one connection's pending rows of one kind in id order, and the index it had
(connection, state, id) gave it every pending row of every kind, so it walked past the other
kinds' rows; the rows of a batch were found by walking every in-flight row. The outbox keeps
every row it ever sent, so both grew with the store's age (a claim took 23 ms with 200,000 rows
behind it, against under 1 ms on a new store).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_work")
        batch_op.create_index(
            "ix_outbox_work", ["connection_id", "state", "entity", "id"], unique=False
        )
        batch_op.create_index("ix_outbox_batch", ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_batch")
        batch_op.drop_index("ix_outbox_work")
        batch_op.create_index("ix_outbox_work", ["connection_id", "state", "id"], unique=False)
