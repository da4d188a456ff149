"""Business facts Ecoute owns (Rasa owns only the dialogue tracker).

Money is ``Decimal`` in ``Numeric(14, 2)``; every timestamp is timezone-aware UTC, also on
SQLite, which forgets offsets (see ``UTCDateTime``). Schema changes go through Alembic.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """The one clock read of the storage layer, aware and in UTC."""
    return datetime.now(timezone.utc)


def new_id() -> str:
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite drops offsets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use timezone-aware UTC datetimes")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


Money = Numeric(14, 2)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, Decimal: Money, dict[str, Any]: JSON}


class ConversationState(str, Enum):
    BOT = "bot"
    WAITING_AGENT = "waiting_agent"
    AGENT = "agent"
    CLOSED = "closed"
    OPTED_OUT = "opted_out"


class MessageStatus(str, Enum):
    PENDING = "pending"  # inbound stored, not yet answered / outbound stored, not yet delivered
    PROCESSED = "processed"  # inbound answered by Rasa
    ROUTED_TO_AGENT = "routed_to_agent"  # inbound kept for the agent, Rasa not asked
    DELIVERED = "delivered"  # outbound handed to the channel
    FAILED = "failed"


class Creditor(Base):
    """A tenant: its identity, jurisdiction preset and the bounds of what the bot may agree."""

    __tablename__ = "creditor"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    jurisdiction_preset: Mapped[str] = mapped_column(String(32), default="FR-B2C")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    human_contact: Mapped[str] = mapped_column(String(200), default="")
    payment_instructions_fr: Mapped[str] = mapped_column(Text, default="")
    payment_instructions_en: Mapped[str] = mapped_column(Text, default="")
    min_instalment: Mapped[Decimal] = mapped_column(default=Decimal("30.00"))
    max_months: Mapped[int] = mapped_column(Integer, default=6)
    first_payment_within_days: Mapped[int] = mapped_column(Integer, default=15)
    prompt_discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    prompt_discount_days: Mapped[int | None] = mapped_column(Integer)
    settlement_floor_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    levers: Mapped[list[str]] = mapped_column(JSON, default=list)
    dispute_review_days: Mapped[int] = mapped_column(Integer, default=10)
    # Policy: a dispute on a larger balance goes straight to a person (None: never).
    escalate_disputes_above: Mapped[Decimal | None] = mapped_column()
    # Follow-ups (shared/domain/method.md 004-5): days relative to each due date, at a local hour.
    reminder_ladder: Mapped[list[int]] = mapped_column(JSON, default=lambda: [-3, 0, 7, 21])
    reminder_hour: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    instalment_reminder_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    promise_grace_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    breaks_before_escalation: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    # Stricter-only changes to the jurisdiction preset, e.g. {"weekday_window": ["09:00",
    # "18:00"], "cap_month": 3}; a change that loosens it makes the guard deny (G-00).
    guard_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    debtors: Mapped[list[Debtor]] = relationship(back_populates="creditor")


class Debtor(Base):
    """A person or company that owes; identity answers are stored hashed, never in clear."""

    __tablename__ = "debtor"
    __table_args__ = (UniqueConstraint("creditor_id", "external_ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditor.id"))
    external_ref: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="consumer")  # consumer | business
    salutation: Mapped[str] = mapped_column(String(20), default="")  # Mme, M., Ms, Mr
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    company_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str | None] = mapped_column(String(2))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    identity_kind: Mapped[str] = mapped_column(String(20))  # postcode | birth_date
    identity_hash: Mapped[str] = mapped_column(String(200))
    identity_failures: Mapped[int] = mapped_column(Integer, default=0)
    identity_locked_until: Mapped[datetime | None] = mapped_column()
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)
    wrong_person: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    creditor: Mapped[Creditor] = relationship(back_populates="debtors")
    debts: Mapped[list[Debt]] = relationship(back_populates="debtor", order_by="Debt.due_on")


class Debt(Base):
    """One unpaid invoice; ``collection_paused`` is what every reminder must respect."""

    __tablename__ = "debt"
    __table_args__ = (UniqueConstraint("creditor_id", "invoice_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditor.id"))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id"), index=True)
    invoice_number: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(300), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    amount_original: Mapped[Decimal] = mapped_column()
    amount_due: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|disputed|paid|closed
    collection_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    pause_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    debtor: Mapped[Debtor] = relationship(back_populates="debts")


class ChannelBinding(Base):
    """Which chat, address or widget session reaches which debtor."""

    __tablename__ = "channel_binding"
    __table_args__ = (UniqueConstraint("channel", "address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))
    # The invoice the debtor's link was for: a bound chat talks about it.
    debt_id: Mapped[int | None] = mapped_column(ForeignKey("debt.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()


class Conversation(Base):
    """One thread with one debtor on one channel; its id is the Rasa sender id."""

    __tablename__ = "conversation"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id"), index=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debt.id"))
    channel: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default=ConversationState.BOT.value)
    language: Mapped[str | None] = mapped_column(String(2))
    verified_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    debtor: Mapped[Debtor] = relationship()
    debt: Mapped[Debt] = relationship()


class Message(Base):
    """Every inbound and outbound message, stored before it is processed or delivered."""

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("channel", "platform_id"),
        Index("ix_message_pending", "conversation_id", "direction", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    author: Mapped[str] = mapped_column(String(10))  # debtor | bot | agent | system
    channel: Mapped[str] = mapped_column(String(20))
    platform_id: Mapped[str | None] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column()


class Classification(Base):
    """What the model predicted for a debtor message and what the debtor confirmed."""

    __tablename__ = "classification"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(2))
    predicted_intent: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float | None] = mapped_column()
    confirmed_intent: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(
        String(20), default="pending"
    )  # pending|confirmed|corrected
    correction_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cause(Base):
    """Why a debt is unpaid, as the debtor confirmed it (feeds the causes dashboard)."""

    __tablename__ = "cause"
    id: Mapped[int] = mapped_column(primary_key=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debt.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"))
    category: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(40), default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentPlan(Base):
    __tablename__ = "payment_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debt.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"))
    status: Mapped[str] = mapped_column(
        String(20), default="proposed"
    )  # proposed|accepted|rejected
    proposal_status: Mapped[str] = mapped_column(String(20))  # as_requested|counter_offer
    reason: Mapped[str] = mapped_column(String(40))
    total: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    settlement: Mapped[bool] = mapped_column(Boolean, default=False)
    discount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column()

    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="plan", order_by="Instalment.number", cascade="all, delete-orphan"
    )


class Instalment(Base):
    __tablename__ = "instalment"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plan.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="due")  # due|paid|missed
    paid_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"), server_default="0")

    plan: Mapped[PaymentPlan] = relationship(back_populates="instalments")


class Promise(Base):
    __tablename__ = "promise"
    id: Mapped[int] = mapped_column(primary_key=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debt.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"))
    amount: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    promised_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|kept|broken
    statement: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentClaim(Base):
    """A debtor says they paid: finance reconciles it; reminders wait meanwhile."""

    __tablename__ = "payment_claim"
    id: Mapped[int] = mapped_column(primary_key=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debt.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"))
    amount: Mapped[Decimal | None] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(40), default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(30), default="pending_reconciliation")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Dispute(Base):
    __tablename__ = "dispute"
    id: Mapped[int] = mapped_column(primary_key=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debt.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"))
    category: Mapped[str] = mapped_column(String(30), default="other")
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|resolved
    review_due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Escalation(Base):
    """A conversation waiting for, or held by, a person (the agent console's queue)."""

    __tablename__ = "escalation"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|claimed|closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("console_user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column()
    first_reply_at: Mapped[datetime | None] = mapped_column()
    no_answer_notified_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(40))
    closed_at: Mapped[datetime | None] = mapped_column()

    conversation: Mapped[Conversation] = relationship()
    claimed_by: Mapped[ConsoleUser | None] = relationship()


class ConsoleUser(Base):
    """An agent or admin of the console; sees only the creditors they belong to."""

    __tablename__ = "console_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))  # agent | admin
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    creditors: Mapped[list[Creditor]] = relationship(secondary="console_user_creditor")


class ConsoleUserCreditor(Base):
    __tablename__ = "console_user_creditor"
    user_id: Mapped[int] = mapped_column(ForeignKey("console_user.id"), primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditor.id"), primary_key=True)


class AgentNote(Base):
    """An internal note on a conversation: never shown to the debtor."""

    __tablename__ = "agent_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("console_user.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[ConsoleUser] = relationship()


class OptOut(Base):
    """A stop request; ``channel`` None means every channel (the default scope)."""

    __tablename__ = "opt_out"
    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id"), index=True)
    channel: Mapped[str | None] = mapped_column(String(20))
    source_conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversation.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ticket(Base):
    """An internal dysfunction the debtor revealed, for the creditor's own teams."""

    __tablename__ = "ticket"
    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditor.id"), index=True)
    debt_id: Mapped[int | None] = mapped_column(ForeignKey("debt.id"))
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversation.id"))
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Append-only trail of what the system did and why."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    debtor_id: Mapped[int | None] = mapped_column(ForeignKey("debtor.id"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TelegramUpdate(Base):
    """Telegram's inbox: each update stored (unique ``update_id``) before it is processed.

    Telegram re-delivers an update it thinks was not received; the unique id makes the
    second copy a no-op, and a pending row is processed again after a crash.
    """

    __tablename__ = "telegram_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|processed|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column()


class Attachment(Base):
    """A file the debtor sent (e.g. a proof of payment), kept for the agent, never read by Rasa."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"))
    filename: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(400))  # relative to the attachments directory
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderStatus(str, Enum):
    SCHEDULED = "scheduled"  # waits for ``next_attempt_at`` (first time, after a defer or a retry)
    SENDING = "sending"  # claimed by the scheduler; the send has begun
    SENT = "sent"
    DENIED = "denied"  # the guard said no; a person may reschedule
    CANCELLED = "cancelled"  # made pointless (paid, plan changed, opt-out…)
    FAILED = "failed"  # the channel refused it every time
    UNCERTAIN = "uncertain"  # the process died during the send: never retried automatically


class Reminder(Base):
    """One message the bot will start by itself. This table is the truth; APScheduler's job
    store only says when to look at a row again (job id ``reminder:<id>``).

    ``key`` names what the reminder is about (``debt:12:+7``, ``instalment:5:-3``,
    ``promise:3:check``) so that planning the same facts twice adds nothing.
    """

    __tablename__ = "reminder"
    # "What is due next?" reads scheduled rows by time: sent rows must not be scanned.
    __table_args__ = (Index("ix_reminder_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditor.id"), index=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtor.id"), index=True)
    debt_id: Mapped[int] = mapped_column(ForeignKey("debt.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    instalment_id: Mapped[int | None] = mapped_column(ForeignKey("instalment.id"))
    promise_id: Mapped[int | None] = mapped_column(ForeignKey("promise.id"))
    step: Mapped[int] = mapped_column(Integer, default=0)  # place in the ladder: varies channels
    due_at: Mapped[datetime] = mapped_column()
    next_attempt_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default=ReminderStatus.SCHEDULED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str | None] = mapped_column(String(20))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    rule: Mapped[str | None] = mapped_column(String(40))  # the guard's last decision
    reason: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class Payment(Base):
    """Money received, from the signed webhook or a CSV; unique per creditor and reference so
    that a webhook delivered twice counts once."""

    __tablename__ = "payment"
    __table_args__ = (UniqueConstraint("creditor_id", "reference"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditor.id"))
    debt_id: Mapped[int] = mapped_column(ForeignKey("debt.id"), index=True)
    reference: Mapped[str] = mapped_column(String(120))
    amount: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))  # webhook | csv
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchedulerLease(Base):
    """Who fires jobs when several gateways run on SQLite (PostgreSQL uses an advisory lock)."""

    __tablename__ = "scheduler_lease"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column()
