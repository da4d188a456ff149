"""Business facts the assistant records while it listens (called by the Rasa actions).

Each function takes the caller's session and writes one fact plus its audit line; the
caller (an action) commits. Nothing here talks to Rasa or to a channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    Cause,
    ChannelBinding,
    Classification,
    Conversation,
    ConversationState,
    Creditor,
    Debt,
    Debtor,
    Dispute,
    Escalation,
    Instalment,
    OptOut,
    PaymentClaim,
    PaymentPlan,
    Promise,
    Ticket,
    utcnow,
)
from bot.domain import identity
from bot.domain.plans import Plan, PlanPolicy, PlanProposal
from bot.services.conversations import audit

BOT = "bot"


class UnknownConversation(LookupError):
    """The Rasa sender id matches no conversation of ours (e.g. someone called Rasa directly)."""


@dataclass
class Context:
    """Everything an action needs to know about the conversation it is answering."""

    conversation: Conversation
    debtor: Debtor
    debt: Debt
    creditor: Creditor

    @property
    def language(self) -> str | None:
        return self.conversation.language or self.debtor.language

    @property
    def verified(self) -> bool:
        return self.conversation.verified_at is not None


def _audit(session: Session, ctx: Context, action: str, **detail: object) -> None:
    """Every fact the bot records leaves one audit line tied to the debtor and conversation."""
    audit(
        session,
        BOT,
        action,
        debtor_id=ctx.debtor.id,
        conversation_id=ctx.conversation.id,
        **detail,
    )


def load_context(session: Session, conversation_id: str) -> Context:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise UnknownConversation(conversation_id)
    debtor = conversation.debtor
    return Context(conversation, debtor, conversation.debt, debtor.creditor)


def plan_policy(creditor: Creditor) -> PlanPolicy:
    return PlanPolicy(
        min_instalment=creditor.min_instalment,
        max_months=creditor.max_months,
        first_payment_within_days=creditor.first_payment_within_days,
        prompt_discount_percent=creditor.prompt_discount_percent,
        prompt_discount_days=creditor.prompt_discount_days,
        settlement_floor_percent=creditor.settlement_floor_percent,
    )


# --- identity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentityResult:
    verified: bool
    locked: bool
    attempts_left: int
    answered: bool = True  # False: the message held no postcode / date, no attempt was used


def identity_locked(ctx: Context, now: datetime) -> bool:
    until = ctx.debtor.identity_locked_until
    return until is not None and until > now


def check_identity(
    session: Session,
    ctx: Context,
    answer: str,
    *,
    max_attempts: int,
    lock_hours: int,
    now: datetime,
) -> IdentityResult:
    """Compare the answer; count failures on the debtor (all channels) and lock after the last."""
    debtor = ctx.debtor
    if identity_locked(ctx, now):
        return IdentityResult(False, True, 0)
    canon = identity.typed_answer(debtor.identity_kind, answer)
    if canon is None:
        left = max(0, max_attempts - debtor.identity_failures)
        return IdentityResult(False, False, left, answered=False)
    if identity.matches_stored(canon, debtor.identity_hash):
        debtor.identity_failures = 0
        debtor.identity_locked_until = None
        ctx.conversation.verified_at = now
        _audit(session, ctx, "identity_verified")
        return IdentityResult(True, False, max_attempts)
    debtor.identity_failures += 1
    left = max(0, max_attempts - debtor.identity_failures)
    locked = left == 0
    if locked:
        debtor.identity_locked_until = now + timedelta(hours=lock_hours)
        debtor.identity_failures = 0
    _audit(session, ctx, "identity_failed", locked=locked)
    return IdentityResult(False, locked, left)


# --- listening ----------------------------------------------------------------------------


def record_classification(
    session: Session, ctx: Context, text: str, intent: str, confidence: float | None
) -> Classification:
    row = Classification(
        conversation_id=ctx.conversation.id,
        text=text,
        language=ctx.language,
        predicted_intent=intent,
        confidence=confidence,
    )
    session.add(row)
    session.flush()
    return row


def confirm_classification(
    session: Session, classification_id: int | None, rejected_ids: list[int]
) -> None:
    """The debtor said yes: the prediction is right, and earlier rejections get their label."""
    if classification_id is None:
        return
    row = session.get(Classification, classification_id)
    if row is None:
        return
    row.status = "confirmed"
    row.confirmed_intent = row.predicted_intent
    for rejected_id in rejected_ids:
        rejected = session.get(Classification, rejected_id)
        if rejected is not None and rejected.confirmed_intent is None:
            rejected.confirmed_intent = row.predicted_intent
            rejected.correction_text = row.text


def reject_classification(session: Session, ctx: Context, classification_id: int | None) -> None:
    """The debtor said no: keep the text and the wrong label as a candidate training example."""
    if classification_id is None:
        return
    row = session.get(Classification, classification_id)
    if row is None:
        return
    row.status = "corrected"
    _audit(
        session,
        ctx,
        "paraphrase_rejected",
        predicted_intent=row.predicted_intent,
    )


def record_cause(
    session: Session, ctx: Context, category: str, detail: str, statement: str
) -> Cause:
    cause = Cause(
        debt_id=ctx.debt.id,
        conversation_id=ctx.conversation.id,
        category=category,
        detail=detail,
        statement=statement,
    )
    session.add(cause)
    _audit(
        session,
        ctx,
        "cause_recorded",
        category=category,
        detail=detail,
    )
    return cause


# --- plans -------------------------------------------------------------------------------


def store_proposal(session: Session, ctx: Context, proposal: PlanProposal) -> PaymentPlan:
    plan = proposal.plan
    if plan is None:
        raise ValueError("a proposal without a plan cannot be stored")
    row = PaymentPlan(
        debt_id=ctx.debt.id,
        conversation_id=ctx.conversation.id,
        status="proposed",
        proposal_status=proposal.status.value,
        reason=proposal.reason,
        total=plan.total,
        currency=plan.currency,
        settlement=plan.settlement,
        discount=plan.discount,
        instalments=[
            Instalment(number=i.number, due_on=i.due_date, amount=i.amount)
            for i in plan.instalments
        ],
    )
    session.add(row)
    session.flush()
    _audit(
        session,
        ctx,
        "plan_proposed",
        plan_id=row.id,
        total=str(plan.total),
        count=len(plan.instalments),
        reason=proposal.reason,
    )
    return row


def accept_plan(session: Session, ctx: Context, plan_id: int) -> PaymentPlan | None:
    row = session.get(PaymentPlan, plan_id)
    if row is None or row.debt_id != ctx.debt.id or row.status != "proposed":
        return None
    for other in session.scalars(
        select(PaymentPlan).where(
            PaymentPlan.debt_id == ctx.debt.id, PaymentPlan.status == "accepted"
        )
    ):
        other.status = "replaced"
    row.status = "accepted"
    row.accepted_at = utcnow()
    _audit(
        session,
        ctx,
        "plan_accepted",
        plan_id=row.id,
        total=str(row.total),
    )
    return row


def reject_open_proposals(session: Session, ctx: Context) -> None:
    for row in session.scalars(
        select(PaymentPlan).where(
            PaymentPlan.debt_id == ctx.debt.id, PaymentPlan.status == "proposed"
        )
    ):
        row.status = "rejected"


def plan_from_row(row: PaymentPlan) -> Plan:
    from bot.domain.plans import Instalment as PlanInstalment

    return Plan(
        currency=row.currency,
        total=row.total,
        settlement=row.settlement,
        discount=row.discount,
        instalments=tuple(
            PlanInstalment(number=i.number, due_date=i.due_on, amount=i.amount)
            for i in row.instalments
        ),
    )


# --- disputes, claims, promises, tickets ---------------------------------------------------


def pause_collection(session: Session, ctx: Context, reason: str) -> None:
    ctx.debt.collection_paused = True
    ctx.debt.pause_reason = reason
    _audit(
        session,
        ctx,
        "collection_paused",
        debt_id=ctx.debt.id,
        reason=reason,
    )


def record_dispute(
    session: Session, ctx: Context, category: str, reason: str, today: date
) -> Dispute:
    dispute = Dispute(
        debt_id=ctx.debt.id,
        conversation_id=ctx.conversation.id,
        category=category,
        reason=reason,
        review_due_on=today + timedelta(days=ctx.creditor.dispute_review_days),
    )
    session.add(dispute)
    ctx.debt.status = "disputed"
    pause_collection(session, ctx, "dispute")
    session.flush()
    _audit(
        session,
        ctx,
        "dispute_recorded",
        dispute_id=dispute.id,
        category=category,
    )
    return dispute


def open_ticket(session: Session, ctx: Context, kind: str, description: str) -> Ticket:
    ticket = Ticket(
        creditor_id=ctx.creditor.id,
        debt_id=ctx.debt.id,
        conversation_id=ctx.conversation.id,
        kind=kind,
        description=description,
    )
    session.add(ticket)
    session.flush()
    _audit(
        session,
        ctx,
        "ticket_opened",
        ticket_id=ticket.id,
        kind=kind,
    )
    return ticket


def record_payment_claim(
    session: Session,
    ctx: Context,
    *,
    amount: Decimal | None,
    paid_on: date | None,
    method: str | None,
    statement: str,
) -> PaymentClaim:
    claim = PaymentClaim(
        debt_id=ctx.debt.id,
        conversation_id=ctx.conversation.id,
        amount=amount,
        currency=ctx.debt.currency,
        paid_on=paid_on,
        method=method or "",
        statement=statement,
    )
    session.add(claim)
    pause_collection(session, ctx, "payment_claimed")
    open_ticket(session, ctx, "payment_matching", statement)
    return claim


def record_promise(
    session: Session, ctx: Context, *, amount: Decimal, promised_on: date, statement: str
) -> Promise:
    promise = Promise(
        debt_id=ctx.debt.id,
        conversation_id=ctx.conversation.id,
        amount=amount,
        currency=ctx.debt.currency,
        promised_on=promised_on,
        channel=ctx.conversation.channel,
        statement=statement,
    )
    session.add(promise)
    session.flush()
    _audit(
        session,
        ctx,
        "promise_recorded",
        promise_id=promise.id,
        promised_on=promised_on.isoformat(),
        amount=str(amount),
    )
    return promise


# --- safety: escalation, opt-out, wrong person, vulnerability -----------------------------


def escalate(session: Session, ctx: Context, reason: str, summary: str) -> Escalation:
    """Hand the conversation to a person: the bot pauses and the queue shows it."""
    escalation = queue_for_review(session, ctx, reason, summary)
    ctx.conversation.state = ConversationState.WAITING_AGENT.value
    return escalation


def queue_for_review(session: Session, ctx: Context, reason: str, summary: str) -> Escalation:
    """Put the conversation in the agents' queue (one open entry per conversation) while the
    bot goes on, e.g. after a vulnerability: a person reviews without taking over yet."""
    escalation = session.scalars(
        select(Escalation).where(
            Escalation.conversation_id == ctx.conversation.id, Escalation.status != "closed"
        )
    ).first()
    if escalation is None:
        escalation = Escalation(conversation_id=ctx.conversation.id, reason=reason, summary=summary)
        session.add(escalation)
    else:
        escalation.summary = summary
    session.flush()
    _audit(session, ctx, "escalated", escalation_id=escalation.id, reason=reason)
    return escalation


def opt_out(session: Session, ctx: Context, channel: str | None) -> OptOut:
    row = OptOut(
        debtor_id=ctx.debtor.id, channel=channel, source_conversation_id=ctx.conversation.id
    )
    session.add(row)
    ctx.conversation.state = ConversationState.OPTED_OUT.value
    _audit(
        session,
        ctx,
        "opted_out",
        scope=channel or "all",
    )
    return row


def mark_wrong_person(session: Session, ctx: Context) -> None:
    """Stop contacting this channel; a person checks the contact data (ticket)."""
    ctx.debtor.wrong_person = True
    ctx.conversation.state = ConversationState.CLOSED.value
    for binding in session.scalars(
        select(ChannelBinding).where(
            ChannelBinding.debtor_id == ctx.debtor.id,
            ChannelBinding.channel == ctx.conversation.channel,
        )
    ):
        binding.active = False
        binding.revoked_at = utcnow()
    session.add(
        OptOut(
            debtor_id=ctx.debtor.id,
            channel=ctx.conversation.channel,
            source_conversation_id=ctx.conversation.id,
        )
    )
    record_cause(session, ctx, "wrong_person", "", "")
    open_ticket(
        session,
        ctx,
        "master_data_error",
        f"Contact on channel {ctx.conversation.channel} reached someone else.",
    )
    _audit(
        session,
        ctx,
        "wrong_person",
        channel=ctx.conversation.channel,
    )


def flag_vulnerable(session: Session, ctx: Context) -> None:
    """All persuasion off and reminders paused until a person reviews (compliance G-06).

    Only the flag is stored, not what the debtor told us about their health (GDPR art. 9).
    """
    ctx.debtor.vulnerable = True
    pause_collection(session, ctx, "vulnerability")
    record_cause(session, ctx, "vulnerability", "", "")
    _audit(
        session,
        ctx,
        "vulnerability_flagged",
    )


def open_debts(session: Session, debtor: Debtor) -> list[Debt]:
    return list(
        session.scalars(
            select(Debt)
            .where(Debt.debtor_id == debtor.id, Debt.status.in_(("open", "disputed")))
            .order_by(Debt.due_on)
        )
    )


def causes_of(session: Session, ctx: Context) -> list[Cause]:
    return list(
        session.scalars(
            select(Cause).where(Cause.conversation_id == ctx.conversation.id).order_by(Cause.id)
        )
    )


def proposals_of(session: Session, ctx: Context) -> list[PaymentPlan]:
    return list(
        session.scalars(
            select(PaymentPlan)
            .where(PaymentPlan.conversation_id == ctx.conversation.id)
            .order_by(PaymentPlan.id)
        )
    )


def escalation_summary(session: Session, ctx: Context, reason: str) -> str:
    """What an agent needs first: why, the confirmed causes, amounts, what was proposed, flags."""
    from bot.domain.parsing import format_money

    lang = "fr" if ctx.creditor.jurisdiction_preset.startswith("FR") else "en"
    money = format_money(ctx.debt.amount_due, ctx.debt.currency, lang)
    lines = [
        f"Reason: {reason}",
        f"Invoice {ctx.debt.invoice_number}: {money} due on {ctx.debt.due_on.isoformat()}",
        f"Identity verified: {'yes' if ctx.verified else 'no'}",
    ]
    for cause in causes_of(session, ctx):
        label = cause.category + (f"/{cause.detail}" if cause.detail else "")
        lines.append(
            f"Confirmed cause: {label}" + (f" — {cause.statement}" if cause.statement else "")
        )
    for plan in proposals_of(session, ctx):
        amounts = ", ".join(f"{i.due_on.isoformat()} {i.amount}" for i in plan.instalments)
        lines.append(f"Plan {plan.status} ({plan.reason}): {amounts}")
    flags = [
        name
        for name, on in (
            ("vulnerable", ctx.debtor.vulnerable),
            ("disputed", ctx.debt.status == "disputed"),
            ("collection paused", ctx.debt.collection_paused),
        )
        if on
    ]
    if flags:
        lines.append("Flags: " + ", ".join(flags))
    return "\n".join(lines)
