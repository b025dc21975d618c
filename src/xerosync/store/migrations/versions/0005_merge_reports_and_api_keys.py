"""merge: reports (0003) and api keys (0004) were made side by side on 0002

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

revision = "0005"
down_revision = ("0003", "0004")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
