"""reports: Xero's reports as last fetched; mappings.xero_type (ACCREC/ACCPAY...) for summaries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import xerosync.store.tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("connection_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("fetched_at", xerosync.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["connection_id"], ["connections.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("connection_id", "name"),
    )
    with op.batch_alter_table("mappings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("xero_type", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mappings", schema=None) as batch_op:
        batch_op.drop_column("xero_type")
    op.drop_table("reports")
