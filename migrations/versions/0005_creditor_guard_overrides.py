"""creditor guard overrides

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 14:46:00.230020
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("creditor", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("guard_overrides", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("creditor", schema=None) as batch_op:
        batch_op.drop_column("guard_overrides")
