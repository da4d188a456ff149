"""reminders, payments, scheduler lease

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:21:56.845564
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # APScheduler's SQLAlchemy job store (the layout it would create itself), created here so
    # that the schema has one owner and exists before the first scheduler starts.
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), nullable=False),
        sa.Column("next_run_time", sa.Float(25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    op.create_index("ix_apscheduler_jobs_next_run_time", "apscheduler_jobs", ["next_run_time"])

    op.create_table(
        "scheduler_lease",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=80), nullable=False),
        sa.Column("expires_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lease")),
    )
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("creditor_id", sa.Integer(), nullable=False),
        sa.Column("debt_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creditor_id"], ["creditor.id"], name=op.f("fk_payment_creditor_id_creditor")
        ),
        sa.ForeignKeyConstraint(["debt_id"], ["debt.id"], name=op.f("fk_payment_debt_id_debt")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint(
            "creditor_id", "reference", name=op.f("uq_payment_creditor_id_reference")
        ),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_debt_id"), ["debt_id"], unique=False)

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("creditor_id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("debt_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("instalment_id", sa.Integer(), nullable=True),
        sa.Column("promise_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("due_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("created_at", bot.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", bot.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["creditor_id"], ["creditor.id"], name=op.f("fk_reminder_creditor_id_creditor")
        ),
        sa.ForeignKeyConstraint(["debt_id"], ["debt.id"], name=op.f("fk_reminder_debt_id_debt")),
        sa.ForeignKeyConstraint(
            ["debtor_id"], ["debtor.id"], name=op.f("fk_reminder_debtor_id_debtor")
        ),
        sa.ForeignKeyConstraint(
            ["instalment_id"], ["instalment.id"], name=op.f("fk_reminder_instalment_id_instalment")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_reminder_message_id_message")
        ),
        sa.ForeignKeyConstraint(
            ["promise_id"], ["promise.id"], name=op.f("fk_reminder_promise_id_promise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("key", name=op.f("uq_reminder_key")),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_creditor_id"), ["creditor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_debt_id"), ["debt_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_debtor_id"), ["debtor_id"], unique=False)
        batch_op.create_index("ix_reminder_due", ["status", "next_attempt_at"], unique=False)

    with op.batch_alter_table("creditor", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_ladder", sa.JSON(), server_default="[-3, 0, 7, 21]", nullable=False)
        )
        batch_op.add_column(
            sa.Column("reminder_hour", sa.Integer(), server_default="10", nullable=False)
        )
        batch_op.add_column(
            sa.Column("instalment_reminder_days", sa.Integer(), server_default="3", nullable=False)
        )
        batch_op.add_column(
            sa.Column("promise_grace_days", sa.Integer(), server_default="3", nullable=False)
        )
        batch_op.add_column(
            sa.Column("breaks_before_escalation", sa.Integer(), server_default="2", nullable=False)
        )

    with op.batch_alter_table("instalment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "paid_amount", sa.Numeric(precision=14, scale=2), server_default="0", nullable=False
            )
        )


def downgrade() -> None:

    with op.batch_alter_table("instalment", schema=None) as batch_op:
        batch_op.drop_column("paid_amount")

    with op.batch_alter_table("creditor", schema=None) as batch_op:
        batch_op.drop_column("breaks_before_escalation")
        batch_op.drop_column("promise_grace_days")
        batch_op.drop_column("instalment_reminder_days")
        batch_op.drop_column("reminder_hour")
        batch_op.drop_column("reminder_ladder")

    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_due")
        batch_op.drop_index(batch_op.f("ix_reminder_debtor_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_debt_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_creditor_id"))

    op.drop_table("reminder")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_debt_id"))

    op.drop_table("payment")
    op.drop_table("scheduler_lease")
    op.drop_index("ix_apscheduler_jobs_next_run_time", table_name="apscheduler_jobs")
    op.drop_table("apscheduler_jobs")
