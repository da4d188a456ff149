"""console users, notes, escalation handling

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:21:45.319512
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_user")),
        sa.UniqueConstraint("email", name=op.f("uq_console_user_email")),
    )
    op.create_table(
        "console_user_creditor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("creditor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id"],
            ["creditor.id"],
            name=op.f("fk_console_user_creditor_creditor_id_creditor"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["console_user.id"],
            name=op.f("fk_console_user_creditor_user_id_console_user"),
        ),
        sa.PrimaryKeyConstraint("user_id", "creditor_id", name=op.f("pk_console_user_creditor")),
    )
    op.create_table(
        "agent_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_agent_note_conversation_id_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["console_user.id"], name=op.f("fk_agent_note_user_id_console_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_note")),
    )
    with op.batch_alter_table("agent_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_note_conversation_id"), ["conversation_id"], unique=False
        )

    with op.batch_alter_table("creditor", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalate_disputes_above", sa.Numeric(precision=14, scale=2), nullable=True)
        )

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("claimed_at", bot.db.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("first_reply_at", bot.db.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "no_answer_notified_at", bot.db.models.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("outcome", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("closed_at", bot.db.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_escalation_claimed_by_id_console_user"),
            "console_user",
            ["claimed_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_escalation_claimed_by_id_console_user"), type_="foreignkey"
        )
        batch_op.drop_column("closed_at")
        batch_op.drop_column("outcome")
        batch_op.drop_column("no_answer_notified_at")
        batch_op.drop_column("first_reply_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by_id")

    with op.batch_alter_table("creditor", schema=None) as batch_op:
        batch_op.drop_column("escalate_disputes_above")

    with op.batch_alter_table("agent_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_note_conversation_id"))

    op.drop_table("agent_note")
    op.drop_table("console_user_creditor")
    op.drop_table("console_user")
