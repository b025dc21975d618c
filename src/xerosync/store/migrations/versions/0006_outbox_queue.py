"""the outbox keeps only work not yet through

A row that went through is now deleted when its outcome is written (the audit log keeps the
write), so the rows already kept as "done" go. On SQLite the outbox's ids become AUTOINCREMENT:
without it, a new row may take the id of the last row deleted, and a push claims rows after the
last id it claimed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM outbox WHERE state = 'done'"))
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "outbox", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    """Nothing to undo: the deleted rows were done with, and ids that are never reused harm
    no earlier version."""
