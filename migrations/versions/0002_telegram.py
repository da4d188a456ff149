"""telegram inbox, attachments, binding debt

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:08:41.668745
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "telegram_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("received_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", bot.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telegram_update")),
        sa.UniqueConstraint("update_id", name=op.f("uq_telegram_update_update_id")),
    )
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=400), nullable=False),
        sa.Column("created_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_attachment_conversation_id_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_attachment_message_id_message")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachment_conversation_id"), ["conversation_id"], unique=False
        )

    with op.batch_alter_table("channel_binding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("debt_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_channel_binding_debt_id_debt"), "debt", ["debt_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("channel_binding", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_channel_binding_debt_id_debt"), type_="foreignkey")
        batch_op.drop_column("debt_id")

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_conversation_id"))

    op.drop_table("attachment")
    op.drop_table("telegram_update")
