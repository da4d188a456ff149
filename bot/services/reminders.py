"""Reminders in the database: planned from the facts, sent one by one through the guard.

The ``reminder`` table is the truth. ``sync_debt`` turns a debt's facts (due date, accepted
plan, open promises, payments, pauses) into rows keyed by what they are about, so planning
twice adds nothing and facts that change cancel what became pointless. ``prepare`` claims a
due row, runs the compliance guard (every decision audited, G-12) and stores the outbound
message; the channel sends it; ``finish`` records the result. A row is claimed with a
conditional update, so two schedulers can never send it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from bot.db.models import (
    ChannelBinding,
    Conversation,
    Creditor,
    Debt,
    Debtor,
    Dispute,
    Escalation,
    Instalment,
    Message,
    MessageStatus,
    OptOut,
    Payment,
    PaymentClaim,
    PaymentPlan,
    Promise,
    Reminder,
    ReminderStatus,
    utcnow,
)
from bot.domain import compliance, reminders
from bot.domain.compliance import DebtorState, Decision, History, Outbound, Verdict
from bot.domain.reminders import DebtFacts, InstalmentFacts, LadderPolicy, Planned, PromiseFacts
from bot.domain.texts import Language, render
from bot.services import records
from bot.services.conversations import audit, open_conversation

log = logging.getLogger(__name__)

SCHEDULER = "scheduler"
MAX_ATTEMPTS = 5
OPEN_STATES = (ReminderStatus.SCHEDULED.value, ReminderStatus.SENDING.value)


def backoff(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes… between tries of a send the channel refused."""
    return timedelta(minutes=4 ** max(attempts - 1, 0))


# --- planning ---------------------------------------------------------------------------------


def accepted_plan(session: Session, debt_id: int) -> PaymentPlan | None:
    """The plan the debtor agreed for this debt, if any (one at a time: accepting replaces)."""
    return session.scalars(
        select(PaymentPlan).where(PaymentPlan.debt_id == debt_id, PaymentPlan.status == "accepted")
    ).first()


def ladder_policy(creditor: Creditor) -> LadderPolicy:
    return LadderPolicy(
        offsets=tuple(int(o) for o in creditor.reminder_ladder or ()),
        hour=creditor.reminder_hour,
        instalment_days_before=creditor.instalment_reminder_days,
        grace_days=creditor.promise_grace_days,
    )


def debt_facts(session: Session, debt: Debt) -> DebtFacts:
    collectable = debt.status == "open" and debt.amount_due > 0 and not debt.collection_paused
    plan = accepted_plan(session, debt.id)
    instalments: tuple[InstalmentFacts, ...] = ()
    if plan is not None:
        instalments = tuple(
            InstalmentFacts(i.id, i.due_on, i.amount, i.paid_amount)
            for i in plan.instalments
            if i.status != "missed"
        )
    promises = tuple(
        PromiseFacts(p.id, p.promised_on)
        for p in session.scalars(
            select(Promise).where(Promise.debt_id == debt.id, Promise.status == "open")
        )
    )
    return DebtFacts(debt.id, debt.due_on, collectable, instalments, promises)


@dataclass
class SyncResult:
    created: list[Reminder]
    cancelled: list[Reminder]


def sync_debt(session: Session, debt: Debt, now: datetime) -> SyncResult:
    """Bring the debt's reminders in line with its facts (in the caller's transaction)."""
    debtor = debt.debtor
    facts, policy = debt_facts(session, debt), ladder_policy(debtor.creditor)
    planned = reminders.plan_reminders(facts, policy, debtor.timezone, now)
    justified = reminders.called_for(facts, policy, debtor.timezone)
    wanted = {p.key: p for p in planned}
    existing = {
        r.key: r for r in session.scalars(select(Reminder).where(Reminder.debt_id == debt.id))
    }
    result = SyncResult([], [])
    for key, row in existing.items():
        if row.status == ReminderStatus.SCHEDULED.value and key not in justified:
            row.status = ReminderStatus.CANCELLED.value
            row.reason = "no longer called for by the debt's facts"
            result.cancelled.append(row)
    for key, item in wanted.items():
        if key not in existing:
            row = _new_row(debt, item)
            session.add(row)
            result.created.append(row)
    session.flush()
    return result


def _new_row(debt: Debt, item: Planned) -> Reminder:
    return Reminder(**_row_values(debt, item))


def sync_all(session: Session, now: datetime, debt_ids: Iterable[int] | None = None) -> int:
    """``sync_debt`` for every debt (or the given ones) in a handful of queries and bulk
    writes, since it runs over the whole book; returns how many reminders were created."""
    query = select(Debt, Debtor.timezone).join(Debtor, Debtor.id == Debt.debtor_id)
    ids = None if debt_ids is None else list(debt_ids)
    if ids is not None:
        query = query.where(Debt.id.in_(ids))
    rows = session.execute(query).all()
    policies = {c.id: ladder_policy(c) for c in session.scalars(select(Creditor))}

    instalments: dict[int, list[InstalmentFacts]] = {}
    for debt_id, i_id, due_on, amount, paid, status in session.execute(
        select(
            PaymentPlan.debt_id,
            Instalment.id,
            Instalment.due_on,
            Instalment.amount,
            Instalment.paid_amount,
            Instalment.status,
        )
        .join(Instalment, Instalment.plan_id == PaymentPlan.id)
        .where(PaymentPlan.status == "accepted", *_only(PaymentPlan.debt_id, ids))
        .order_by(PaymentPlan.debt_id, Instalment.number)
    ):
        if status != "missed":
            instalments.setdefault(debt_id, []).append(InstalmentFacts(i_id, due_on, amount, paid))
    promises: dict[int, list[PromiseFacts]] = {}
    for debt_id, p_id, on in session.execute(
        select(Promise.debt_id, Promise.id, Promise.promised_on).where(
            Promise.status == "open", *_only(Promise.debt_id, ids)
        )
    ):
        promises.setdefault(debt_id, []).append(PromiseFacts(p_id, on))
    existing: dict[int, dict[str, tuple[int, str]]] = {}
    for debt_id, r_id, key, status in session.execute(
        select(Reminder.debt_id, Reminder.id, Reminder.key, Reminder.status).where(
            *_only(Reminder.debt_id, ids)
        )
    ):
        existing.setdefault(debt_id, {})[key] = (r_id, status)

    new_rows: list[dict[str, object]] = []
    cancel: list[int] = []
    for debt, zone in rows:
        collectable = debt.status == "open" and debt.amount_due > 0 and not debt.collection_paused
        facts = DebtFacts(
            debt.id,
            debt.due_on,
            collectable,
            tuple(instalments.get(debt.id, ())),
            tuple(promises.get(debt.id, ())),
        )
        policy = policies[debt.creditor_id]
        known = existing.get(debt.id, {})
        justified = reminders.called_for(facts, policy, zone)
        cancel.extend(
            r_id
            for key, (r_id, status) in known.items()
            if status == ReminderStatus.SCHEDULED.value and key not in justified
        )
        for item in reminders.plan_reminders(facts, policy, zone, now):
            if item.key not in known:
                new_rows.append(_row_values(debt, item))
    if new_rows:
        session.execute(insert(Reminder), new_rows)
    for chunk in range(0, len(cancel), 500):
        session.execute(
            update(Reminder)
            .where(Reminder.id.in_(cancel[chunk : chunk + 500]))
            .values(
                status=ReminderStatus.CANCELLED.value,
                reason="no longer called for by the debt's facts",
            )
            .execution_options(synchronize_session=False)
        )
    return len(new_rows)


def _only(column: Any, ids: list[int] | None) -> tuple[Any, ...]:
    """A filter on the given debts, or none for the whole book."""
    return () if ids is None else (column.in_(ids),)


def _row_values(debt: Debt, item: Planned) -> dict[str, object]:
    return {
        "key": item.key,
        "creditor_id": debt.creditor_id,
        "debtor_id": debt.debtor_id,
        "debt_id": debt.id,
        "kind": item.kind,
        "instalment_id": item.instalment_id,
        "promise_id": item.promise_id,
        "step": item.step,
        "due_at": item.at,
        "next_attempt_at": item.at,
        "status": ReminderStatus.SCHEDULED.value,
        "attempts": 0,
        "created_at": utcnow(),
    }


def due_rows(session: Session, until: datetime) -> list[tuple[int, datetime]]:
    """Scheduled reminders to fire before ``until``: what the job store should hold."""
    return [
        (row_id, at)
        for row_id, at in session.execute(
            select(Reminder.id, Reminder.next_attempt_at)
            .where(
                Reminder.status == ReminderStatus.SCHEDULED.value,
                Reminder.next_attempt_at < until,
            )
            .order_by(Reminder.next_attempt_at)
        )
    ]


def abandon_interrupted(session: Session) -> list[int]:
    """Rows left ``sending`` by a process that died mid-send: we cannot know whether the
    channel delivered, so they become ``uncertain`` for a person, never re-sent (at most once)."""
    ids = list(
        session.scalars(select(Reminder.id).where(Reminder.status == ReminderStatus.SENDING.value))
    )
    for reminder in session.scalars(select(Reminder).where(Reminder.id.in_(ids))):
        reminder.status = ReminderStatus.UNCERTAIN.value
        reminder.error = "the process stopped during the send; a person checks it"
        audit(
            session,
            SCHEDULER,
            "reminder_uncertain",
            debtor_id=reminder.debtor_id,
            reminder_id=reminder.id,
        )
    return ids


# --- the guard's view of the debtor -----------------------------------------------------------


def debtor_state(session: Session, debtor: Debtor, debt: Debt, now: datetime) -> DebtorState:
    opted = {
        channel or "*"
        for channel in session.scalars(select(OptOut.channel).where(OptOut.debtor_id == debtor.id))
    }
    disputed = (
        debt.status == "disputed"
        or (
            session.scalar(
                select(func.count(Dispute.id)).where(
                    Dispute.debt_id == debt.id, Dispute.status == "open"
                )
            )
            or 0
        )
        > 0
    )
    claimed = (
        session.scalar(
            select(func.count(PaymentClaim.id)).where(
                PaymentClaim.debt_id == debt.id,
                PaymentClaim.status == "pending_reconciliation",
            )
        )
        or 0
    ) > 0
    with_person = (
        session.scalar(
            select(func.count(Escalation.id))
            .join(Conversation, Conversation.id == Escalation.conversation_id)
            .where(Conversation.debtor_id == debtor.id, Escalation.status != "closed")
        )
        or 0
    ) > 0
    locked = debtor.identity_locked_until is not None and debtor.identity_locked_until > now
    return DebtorState(
        time_zones=(debtor.timezone,) if debtor.timezone else (),
        is_business=debtor.kind == "business",
        opted_out_channels=frozenset(opted) if opted else None,
        disputed=disputed,
        vulnerable=debtor.vulnerable,
        wrong_person=debtor.wrong_person,
        payment_claimed=claimed,
        with_a_person=with_person,
        identity_locked=locked,
        moratorium=debt.collection_paused and debt.pause_reason == "moratorium",
    )


def contact_history(session: Session, debtor: Debtor) -> History:
    """What we started and when the debtor last wrote, across every channel (caps are per
    debtor, switching channel never resets them)."""
    sent = tuple(
        session.scalars(
            select(Reminder.sent_at).where(
                Reminder.debtor_id == debtor.id, Reminder.sent_at.is_not(None)
            )
        )
    )
    last_in = session.scalar(
        select(func.max(Message.created_at))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.debtor_id == debtor.id,
            Message.direction == "in",
            Message.author == "debtor",
        )
    )
    return History(
        initiated=tuple(t for t in sent if t is not None),
        last_exchange=last_in,
        last_debtor_message=last_in,
    )


# --- sending ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A reminder claimed for sending: everything the channel needs, and nothing more."""

    reminder_id: int
    debt_id: int
    debtor_id: int
    channel: str
    conversation_id: str
    message_id: int
    language: Language
    subject: str
    text: str
    address: str  # chat id, e-mail address, or the conversation for the web widget


ALL_CHANNELS = frozenset({"telegram", "email", "web"})


def choose_channel(
    session: Session, debtor: Debtor, step: int, enabled: frozenset[str] = ALL_CHANNELS
) -> tuple[str, str]:
    """Vary channels along the ladder (method.md 004-5) among those the debtor gave and this
    deployment has (a bound Telegram chat, an e-mail address on file when SMTP is set up);
    else the message waits in the web widget."""
    available: list[tuple[str, str]] = []
    chat = session.scalars(
        select(ChannelBinding.address)
        .where(
            ChannelBinding.debtor_id == debtor.id,
            ChannelBinding.channel == "telegram",
            ChannelBinding.active.is_(True),
        )
        .order_by(ChannelBinding.id.desc())
    ).first()
    if chat and "telegram" in enabled:
        available.append(("telegram", chat))
    if debtor.email and "email" in enabled:
        available.append(("email", debtor.email))
    if not available:
        return "web", ""
    return available[step % len(available)]


def _greeting_name(debtor: Debtor) -> str:
    if debtor.kind == "business" and debtor.company_name:
        return ""
    if debtor.salutation and debtor.last_name:
        return f"{debtor.salutation} {debtor.last_name}"
    return ""


@dataclass(frozen=True)
class Outcome:
    """What ``prepare`` decided: send (``prepared``), or not now / never (``decision``)."""

    prepared: Prepared | None
    decision: Decision | None
    status: str


def prepare(
    session: Session,
    reminder_id: int,
    now: datetime,
    reply_link: Callable[[int], str] | None = None,
    unsubscribe_link: Callable[[int], str] | None = None,
    enabled_channels: frozenset[str] = ALL_CHANNELS,
) -> Outcome:
    """Claim a due reminder, check the facts and the guard, store the outbound message."""
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        return Outcome(None, None, "missing")
    if reminder.status != ReminderStatus.SCHEDULED.value:
        return Outcome(None, None, reminder.status)
    if reminder.next_attempt_at > now + timedelta(seconds=1):
        return Outcome(None, None, "not_due")
    debt = session.get(Debt, reminder.debt_id)
    assert debt is not None
    debtor = debt.debtor
    creditor = debtor.creditor

    pointless = _pointless(session, reminder, debt, creditor, now)
    if pointless is not None:
        reminder.status = ReminderStatus.CANCELLED.value
        reminder.reason = pointless
        audit(
            session,
            SCHEDULER,
            "reminder_cancelled",
            debtor_id=debtor.id,
            reminder_id=reminder.id,
            reason=pointless,
        )
        return Outcome(None, None, ReminderStatus.CANCELLED.value)

    language: Language = "en" if debtor.language == "en" else "fr"
    channel, address = choose_channel(session, debtor, reminder.step, enabled_channels)
    promised_on = ""
    if reminder.promise_id is not None:
        promise = session.get(Promise, reminder.promise_id)
        if promise is not None:
            promised_on = _date_text(promise.promised_on, language)
    reply = reply_link(debt.id) if reply_link is not None and channel == "email" else ""
    unsubscribe = (
        unsubscribe_link(debtor.id) if unsubscribe_link is not None and channel == "email" else ""
    )
    composed = reminders.compose(
        reminder.kind,
        language,
        creditor=creditor.name,
        human_contact=creditor.human_contact,
        greeting_name=_greeting_name(debtor),
        channel=channel,
        with_us_validation=creditor.jurisdiction_preset.startswith("US"),
        promised_on=promised_on,
        reply_link=reply,
        unsubscribe_link=unsubscribe,
    )
    try:
        override = compliance.preset_with(
            creditor.jurisdiction_preset, creditor.guard_overrides or {}
        )
    except ValueError as exc:  # a looser or malformed override: fail closed
        decision = compliance.deny("G-00", f"creditor override refused: {exc}")
    else:
        decision = compliance.decide(
            creditor.jurisdiction_preset,
            debtor_state(session, debtor, debt, now),
            Outbound("initiated", channel, composed.text, composed.lines, scheduled=True),
            contact_history(session, debtor),
            now,
            override,
        )
    audit(
        session,
        SCHEDULER,
        "guard_decision",
        debtor_id=debtor.id,
        reminder_id=reminder.id,
        verdict=decision.verdict.value,
        rule=decision.rule,
        reason=decision.reason,
        until=decision.until.isoformat() if decision.until else None,
        preset=creditor.jurisdiction_preset,
        channel=channel,
        template=composed.template,
        utc=now.isoformat(),
        debtor_local=_local(now, debtor.timezone),
    )
    reminder.rule, reminder.reason = decision.rule, decision.reason[:300]
    if decision.verdict is Verdict.DENY:
        reminder.status = ReminderStatus.DENIED.value
        return Outcome(None, decision, reminder.status)
    if decision.verdict is Verdict.DEFER:
        assert decision.until is not None
        reminder.next_attempt_at = decision.until
        return Outcome(None, decision, ReminderStatus.SCHEDULED.value)

    # Claim: only one process gets past this line for a given row.
    claimed = session.execute(
        update(Reminder)
        .where(Reminder.id == reminder.id, Reminder.status == ReminderStatus.SCHEDULED.value)
        .values(
            status=ReminderStatus.SENDING.value, attempts=Reminder.attempts + 1, channel=channel
        )
        .returning(Reminder.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    if claimed is None:
        return Outcome(None, None, "taken")
    session.refresh(reminder)
    conversation, _ = open_conversation(session, debt, channel, language)
    message = session.get(Message, reminder.message_id) if reminder.message_id else None
    if message is None:
        message = Message(
            conversation_id=conversation.id,
            direction="out",
            author="bot",
            channel=channel,
            text=composed.text,
            payload={"reminder_id": reminder.id, "template": composed.template},
            status=MessageStatus.PENDING.value,
        )
        session.add(message)
        session.flush()
        reminder.message_id = message.id
    prepared = Prepared(
        reminder.id,
        debt.id,
        debtor.id,
        channel,
        conversation.id,
        message.id,
        language,
        _subject(creditor.name, language),
        composed.text,
        address or conversation.id,
    )
    return Outcome(prepared, decision, ReminderStatus.SENDING.value)


def finish(session: Session, reminder_id: int, now: datetime, error: str | None = None) -> str:
    """Record the channel's answer: sent, or retried later with backoff, or failed."""
    reminder = session.get(Reminder, reminder_id)
    if reminder is None or reminder.status != ReminderStatus.SENDING.value:
        return "missing"
    message = session.get(Message, reminder.message_id) if reminder.message_id else None
    if error is None:
        reminder.status = ReminderStatus.SENT.value
        reminder.sent_at = now
        reminder.error = None
        if message is not None and reminder.channel != "web":
            message.status = MessageStatus.DELIVERED.value
            message.processed_at = now
        audit(
            session,
            SCHEDULER,
            "reminder_sent",
            debtor_id=reminder.debtor_id,
            reminder_id=reminder.id,
            channel=reminder.channel,
        )
        return reminder.status
    reminder.error = error[:300]
    if reminder.attempts >= MAX_ATTEMPTS:
        reminder.status = ReminderStatus.FAILED.value
        if message is not None:
            message.status = MessageStatus.FAILED.value
    else:
        reminder.status = ReminderStatus.SCHEDULED.value
        reminder.next_attempt_at = now + backoff(reminder.attempts)
    audit(
        session,
        SCHEDULER,
        "reminder_send_failed",
        debtor_id=reminder.debtor_id,
        reminder_id=reminder.id,
        attempts=reminder.attempts,
        error=error[:300],
        next_status=reminder.status,
    )
    return reminder.status


def _pointless(
    session: Session, reminder: Reminder, debt: Debt, creditor: Creditor, now: datetime
) -> str | None:
    """Facts that make this reminder pointless now (checks also record what they found)."""
    if debt.status in ("paid", "closed") or debt.amount_due <= 0:
        return "the debt is settled"
    if reminder.kind == reminders.INSTALMENT_CHECK and reminder.instalment_id is not None:
        instalment = session.get(Instalment, reminder.instalment_id)
        if instalment is None or instalment.paid_amount >= instalment.amount:
            return "the instalment was paid"
        if instalment.plan.status != "accepted":
            return "the plan was replaced"
        instalment.status = "missed"
        missed = sum(1 for i in instalment.plan.instalments if i.status == "missed")
        audit(
            session,
            SCHEDULER,
            "instalment_missed",
            debtor_id=debt.debtor_id,
            instalment_id=instalment.id,
            missed=missed,
        )
        return _after_break(session, debt, creditor, missed, "missed_instalments")
    if reminder.kind == reminders.PROMISE_CHECK and reminder.promise_id is not None:
        promise = session.get(Promise, reminder.promise_id)
        if promise is None or promise.status != "open":
            return "the promise is no longer open"
        paid = session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.debt_id == debt.id, Payment.created_at >= promise.created_at
            )
        )
        if Decimal(paid or 0) >= promise.amount:
            promise.status = "kept"
            return "the promise was kept"
        promise.status = "broken"
        broken = (
            session.scalar(
                select(func.count(Promise.id)).where(
                    Promise.debt_id == debt.id, Promise.status == "broken"
                )
            )
            or 0
        )
        audit(
            session,
            SCHEDULER,
            "promise_broken",
            debtor_id=debt.debtor_id,
            promise_id=promise.id,
            broken=broken,
        )
        return _after_break(session, debt, creditor, broken, "broken_promises")
    return None


def _after_break(
    session: Session, debt: Debt, creditor: Creditor, breaks: int, reason: str
) -> str | None:
    """The follow-up asks what happened, until breaks repeat: then a person takes over."""
    if breaks < creditor.breaks_before_escalation:
        return None
    _escalate(session, debt, reason, f"{reason.replace('_', ' ')}: {breaks}")
    return f"{reason.replace('_', ' ')} ({breaks}): a person takes over"


def _escalate(session: Session, debt: Debt, reason: str, summary: str) -> None:
    conversation = session.scalars(
        select(Conversation)
        .where(Conversation.debt_id == debt.id)
        .order_by(Conversation.updated_at.desc())
    ).first()
    if conversation is None:
        conversation, _ = open_conversation(session, debt, "web", debt.debtor.language)
    ctx = records.load_context(session, conversation.id)
    records.escalate(session, ctx, reason, summary)


def _subject(creditor: str, language: Language) -> str:
    return render("reminder_subject", language, creditor=creditor)


def _date_text(day: date, language: Language) -> str:
    return day.strftime("%d/%m/%Y") if language == "fr" else day.strftime("%d %B %Y")


def _local(now: datetime, zone: str) -> str:
    try:
        return now.astimezone(ZoneInfo(zone)).isoformat()
    except (ZoneInfoNotFoundError, ValueError):
        return "unknown time zone"
