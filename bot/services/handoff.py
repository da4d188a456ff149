"""People taking over from the bot: console users, the queue, claim, reply, note, hand back.

Every function takes the caller's session; the caller commits. Access is always checked
here, against the creditors a user belongs to: a conversation of another creditor is
"not found", never "forbidden", so its existence does not leak. Every action is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    AgentNote,
    Attachment,
    ConsoleUser,
    Conversation,
    ConversationState,
    Creditor,
    Debt,
    Escalation,
    Message,
    Ticket,
    utcnow,
)
from bot.domain import compliance
from bot.domain.passwords import hash_password, verify_password
from bot.services import conversations as convs

Role = Literal["agent", "admin"]

# What an agent can record when handing back or closing; the bot's next words depend on it.
OUTCOMES: tuple[str, ...] = (
    "plan_agreed",
    "dispute_accepted",
    "dispute_rejected",
    "payment_confirmed",
    "information_given",
    "callback_arranged",
    "other",
)
FOLLOW_UPS = {"/callback_request": "callback_request", "/email_follow_up": "email_follow_up"}


class AccessDenied(Exception):
    """The conversation does not exist for this user (another creditor's, or no such id)."""


class HeldByAnother(Exception):
    """Another agent holds the conversation; the message names them."""


# --- users ------------------------------------------------------------------------------------


def create_user(
    session: Session, email: str, name: str, role: Role, password: str, creditor_slugs: list[str]
) -> ConsoleUser:
    creditors = list(session.scalars(select(Creditor).where(Creditor.slug.in_(creditor_slugs))))
    missing = set(creditor_slugs) - {c.slug for c in creditors}
    if missing:
        raise ValueError(f"unknown creditor(s): {', '.join(sorted(missing))}")
    email = email.strip().lower()
    if session.scalar(select(ConsoleUser.id).where(ConsoleUser.email == email)) is not None:
        raise ValueError(f"a user with e-mail {email} already exists")
    user = ConsoleUser(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
        creditors=creditors,
    )
    session.add(user)
    session.flush()
    convs.audit(
        session, "cli", "user_created", user_id=user.id, role=role, creditors=creditor_slugs
    )
    return user


def authenticate(session: Session, email: str, password: str) -> ConsoleUser | None:
    user = session.scalars(
        select(ConsoleUser).where(ConsoleUser.email == email.strip().lower())
    ).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        convs.audit(session, "console", "login_failed")
        return None
    convs.audit(session, _actor(user), "login")
    return user


def creditor_ids(user: ConsoleUser) -> list[int]:
    return [c.id for c in user.creditors]


# --- the queue and one conversation -----------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    escalation_id: int
    conversation_id: str
    creditor: str
    debtor: str
    invoice: str
    channel: str
    reason: str
    summary: str
    waiting_since: datetime
    held_by: str | None
    flags: tuple[str, ...]


def queue(session: Session, user: ConsoleUser) -> list[QueueItem]:
    """Escalations not yet closed for the user's creditors, oldest first."""
    rows = session.execute(
        select(Escalation, Conversation, Debt)
        .join(Conversation, Conversation.id == Escalation.conversation_id)
        .join(Debt, Debt.id == Conversation.debt_id)
        .where(Escalation.status != "closed", Debt.creditor_id.in_(creditor_ids(user)))
        .order_by(Escalation.created_at, Escalation.id)
    ).all()
    return [
        QueueItem(
            escalation_id=e.id,
            conversation_id=c.id,
            creditor=d.debtor.creditor.name,
            debtor=display_name(d),
            invoice=d.invoice_number,
            channel=c.channel,
            reason=e.reason,
            summary=e.summary,
            waiting_since=e.created_at,
            held_by=e.claimed_by.name if e.claimed_by else None,
            flags=flags(d),
        )
        for e, c, d in rows
    ]


def display_name(debt: Debt) -> str:
    debtor = debt.debtor
    person = " ".join(p for p in (debtor.salutation, debtor.first_name, debtor.last_name) if p)
    return debtor.company_name or person or debtor.external_ref


def flags(debt: Debt) -> tuple[str, ...]:
    found = []
    if debt.debtor.vulnerable:
        found.append("vulnerable")
    if debt.status == "disputed" or debt.pause_reason == "dispute":
        found.append("disputed")
    if debt.collection_paused:
        found.append("paused")
    if debt.debtor.wrong_person:
        found.append("wrong_person")
    return tuple(found)


@dataclass(frozen=True)
class ConversationView:
    conversation: Conversation
    escalation: Escalation | None
    messages: list[Message]
    notes: list[AgentNote]
    attachments: list[Attachment]
    flags: tuple[str, ...]


def conversation_for(session: Session, user: ConsoleUser, conversation_id: str) -> Conversation:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.debt.creditor_id not in creditor_ids(user):
        raise AccessDenied(conversation_id)
    return conversation


def view(session: Session, user: ConsoleUser, conversation_id: str) -> ConversationView:
    conversation = conversation_for(session, user, conversation_id)
    notes = session.scalars(
        select(AgentNote).where(AgentNote.conversation_id == conversation_id).order_by(AgentNote.id)
    )
    attachments = session.scalars(
        select(Attachment)
        .where(Attachment.conversation_id == conversation_id)
        .order_by(Attachment.id)
    )
    return ConversationView(
        conversation,
        current_escalation(session, conversation_id),
        convs.transcript(session, conversation_id),
        list(notes),
        list(attachments),
        flags(conversation.debt),
    )


def attachment_for(session: Session, user: ConsoleUser, attachment_id: int) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise AccessDenied(str(attachment_id))
    conversation_for(session, user, attachment.conversation_id)
    return attachment


def current_escalation(session: Session, conversation_id: str) -> Escalation | None:
    return session.scalars(
        select(Escalation)
        .where(Escalation.conversation_id == conversation_id, Escalation.status != "closed")
        .order_by(Escalation.id.desc())
    ).first()


# --- agent actions ----------------------------------------------------------------------------


def claim(session: Session, user: ConsoleUser, conversation_id: str) -> Escalation:
    """Take the conversation; one agent at a time (an open escalation is created if needed)."""
    conversation = conversation_for(session, user, conversation_id)
    escalation = current_escalation(session, conversation_id)
    if escalation is None:
        escalation = Escalation(
            conversation_id=conversation_id, reason="agent_initiative", summary=""
        )
        session.add(escalation)
    elif escalation.claimed_by_id not in (None, user.id):
        assert escalation.claimed_by is not None
        raise HeldByAnother(escalation.claimed_by.name)
    escalation.status, escalation.claimed_by_id = "claimed", user.id
    escalation.claimed_at = escalation.claimed_at or utcnow()
    conversation.state = ConversationState.AGENT.value
    session.flush()
    _audit(session, user, "claimed", conversation, escalation_id=escalation.id)
    return escalation


class ThreateningWords(ValueError):
    """An agent's reply the guard's content rule refuses (G-09 applies to people too)."""


def reply(session: Session, user: ConsoleUser, conversation_id: str, text: str) -> Message:
    """Store the agent's message for the debtor (the caller delivers it)."""
    text = text.strip()
    if not text:
        raise ValueError("the message is empty")
    found = compliance.forbidden_words(text)
    if found:
        raise ThreateningWords(", ".join(found))
    if len(text) > convs.MAX_TEXT_LENGTH:
        raise ValueError(f"the message is longer than {convs.MAX_TEXT_LENGTH} characters")
    conversation, escalation = ensure_held(session, user, conversation_id)
    message = convs.add_outbound(
        session,
        conversation_id,
        conversation.channel,
        convs.OutboundReply(text, author="agent"),
    )
    message.payload = {**message.payload, "agent": user.name}
    escalation.first_reply_at = escalation.first_reply_at or utcnow()
    _audit(session, user, "agent_replied", conversation, message_id=message.id)
    return message


def add_note(session: Session, user: ConsoleUser, conversation_id: str, text: str) -> AgentNote:
    conversation = conversation_for(session, user, conversation_id)
    if not text.strip():
        raise ValueError("the note is empty")
    note = AgentNote(conversation_id=conversation_id, user_id=user.id, text=text.strip())
    session.add(note)
    session.flush()
    _audit(session, user, "note_added", conversation, note_id=note.id)
    return note


def hand_back(session: Session, user: ConsoleUser, conversation_id: str, outcome: str) -> None:
    """The bot takes the conversation again; the caller resumes Rasa's tracker."""
    _finish(session, user, conversation_id, outcome, ConversationState.BOT, "handed_back")


def close(session: Session, user: ConsoleUser, conversation_id: str, outcome: str) -> None:
    _finish(session, user, conversation_id, outcome, ConversationState.CLOSED, "closed")


def _finish(
    session: Session,
    user: ConsoleUser,
    conversation_id: str,
    outcome: str,
    state: ConversationState,
    action: str,
) -> None:
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    conversation, escalation = ensure_held(session, user, conversation_id)
    escalation.status, escalation.outcome, escalation.closed_at = "closed", outcome, utcnow()
    conversation.state = state.value
    _audit(session, user, action, conversation, escalation_id=escalation.id, outcome=outcome)


def ensure_held(
    session: Session, user: ConsoleUser, conversation_id: str
) -> tuple[Conversation, Escalation]:
    conversation = conversation_for(session, user, conversation_id)
    escalation = current_escalation(session, conversation_id)
    if escalation is None or escalation.claimed_by_id != user.id:
        holder = escalation.claimed_by.name if escalation and escalation.claimed_by else None
        raise HeldByAnother(holder or "nobody: claim the conversation first")
    return conversation, escalation


# --- the debtor's side while waiting ----------------------------------------------------------


def unanswered(session: Session, older_than: timedelta) -> list[str]:
    """Conversations waiting longer than ``older_than`` with no word from a person yet.

    Each is returned once (marked notified): the debtor is told honestly and offered a
    callback or an e-mail follow-up.
    """
    limit = utcnow() - older_than
    due = session.scalars(
        select(Escalation).where(
            Escalation.status != "closed",
            Escalation.first_reply_at.is_(None),
            Escalation.no_answer_notified_at.is_(None),
            Escalation.created_at <= limit,
        )
    ).all()
    ids = []
    for escalation in due:
        escalation.no_answer_notified_at = utcnow()
        conversation = escalation.conversation
        if conversation.state in (
            ConversationState.WAITING_AGENT.value,
            ConversationState.AGENT.value,
        ):
            ids.append(conversation.id)
            convs.audit(
                session,
                "gateway",
                "no_agent_answer",
                debtor_id=conversation.debtor_id,
                conversation_id=conversation.id,
                escalation_id=escalation.id,
            )
    return ids


def record_follow_up(session: Session, conversation_id: str, payload: str) -> str | None:
    """A waiting debtor chose a callback or an e-mail follow-up: a ticket for the team."""
    kind = FOLLOW_UPS.get(payload)
    conversation = session.get(Conversation, conversation_id)
    if kind is None or conversation is None:
        return None
    session.add(
        Ticket(
            creditor_id=conversation.debt.creditor_id,
            debt_id=conversation.debt_id,
            conversation_id=conversation_id,
            kind=kind,
            description="The debtor waited for a person and asked for a "
            + ("callback." if kind == "callback_request" else "follow-up by e-mail."),
        )
    )
    convs.audit(
        session,
        "gateway",
        kind,
        debtor_id=conversation.debtor_id,
        conversation_id=conversation_id,
    )
    return kind


def _actor(user: ConsoleUser) -> str:
    return f"{user.role}:{user.id}"


def _audit(
    session: Session, user: ConsoleUser, action: str, conversation: Conversation, **detail: object
) -> None:
    convs.audit(
        session,
        _actor(user),
        action,
        debtor_id=conversation.debtor_id,
        conversation_id=conversation.id,
        **detail,
    )
