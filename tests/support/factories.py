"""Factories: each test builds the data it needs, in its own database."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.db.models import ConsoleUser, Conversation, Creditor, Debt, Debtor, Instalment, PaymentPlan
from bot.domain import identity


def make_creditor(session: Session, **overrides: object) -> Creditor:
    values: dict[str, object] = dict(
        slug=f"cred-{uuid.uuid4().hex[:8]}",
        name="Lumen Énergie",
        jurisdiction_preset="FR-B2C",
        min_instalment=Decimal("30.00"),
        max_months=6,
        first_payment_within_days=15,
        levers=[],
        human_contact="01 23 45 67 89",
    )
    values.update(overrides)
    creditor = Creditor(**values)
    session.add(creditor)
    session.flush()
    return creditor


def make_debt(
    session: Session,
    creditor: Creditor,
    *,
    amount: str = "1480.00",
    language: str | None = "fr",
    postcode: str = "75011",
    **overrides: object,
) -> Debt:
    debtor = Debtor(
        creditor_id=creditor.id,
        external_ref=f"C-{uuid.uuid4().hex[:8]}",
        salutation="Mme",
        first_name="Claire",
        last_name="Durand",
        language=language,
        identity_kind="postcode",
        identity_hash=identity.hash_answer("postcode", postcode),
    )
    session.add(debtor)
    session.flush()
    values: dict[str, object] = dict(
        creditor_id=creditor.id,
        debtor_id=debtor.id,
        invoice_number=f"F-{uuid.uuid4().hex[:6].upper()}",
        issued_on=date(2024, 3, 1),
        due_on=date(2024, 3, 31),
        amount_original=Decimal(amount),
        amount_due=Decimal(amount),
        currency="EUR",
    )
    values.update(overrides)
    debt = Debt(**values)
    session.add(debt)
    session.flush()
    return debt


def make_conversation(session: Session, debt: Debt, channel: str = "web") -> Conversation:
    conversation = Conversation(
        debtor_id=debt.debtor_id, debt_id=debt.id, channel=channel, language=debt.debtor.language
    )
    session.add(conversation)
    session.flush()
    return conversation


def make_escalated(session: Session, debt: Debt, reason: str = "debtor_request") -> Conversation:
    """A conversation the bot handed to a person, as ``action_escalate`` leaves it."""
    from bot.db.models import ConversationState, Escalation

    conversation = make_conversation(session, debt)
    conversation.state = ConversationState.WAITING_AGENT.value
    session.add(
        Escalation(
            conversation_id=conversation.id,
            reason=reason,
            summary="Confirmed cause: hardship. Offer heard: 150 EUR a month.",
        )
    )
    session.flush()
    return conversation


PASSWORD = "correct horse battery staple"


def make_user(session: Session, *creditors: Creditor, role: str = "agent") -> ConsoleUser:
    from bot.services import handoff

    return handoff.create_user(
        session,
        f"{uuid.uuid4().hex[:8]}@example.test",
        f"Agent {uuid.uuid4().hex[:4]}",
        role,  # type: ignore[arg-type]
        PASSWORD,
        [c.slug for c in creditors],
    )


def make_accepted_plan(session: Session, debt: Debt, *dues: date, each: str = "100") -> PaymentPlan:
    """An accepted plan on ``debt`` with one instalment of ``each`` per due date."""
    conversation = make_conversation(session, debt)
    plan = PaymentPlan(
        debt_id=debt.id,
        conversation_id=conversation.id,
        status="accepted",
        proposal_status="as_requested",
        reason="ok",
        total=Decimal(each) * len(dues),
        currency=debt.currency,
    )
    session.add(plan)
    session.flush()
    for number, day in enumerate(dues, 1):
        session.add(Instalment(plan_id=plan.id, number=number, due_on=day, amount=Decimal(each)))
    session.flush()
    session.refresh(plan)
    return plan
