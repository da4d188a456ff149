"""Conversations and their messages: storing before processing, replaying what is pending.

Every function takes the caller's session; the caller commits. This is the part of the
system that guarantees an inbound message is never lost and an outbound one never doubled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import (
    AuditEvent,
    Conversation,
    ConversationState,
    Debt,
    Message,
    MessageStatus,
    utcnow,
)

MAX_TEXT_LENGTH = 2000


@dataclass(frozen=True)
class InboundMessage:
    """One platform event turned into what the gateway needs, whatever the channel."""

    conversation_id: str
    channel: str
    text: str
    platform_id: str | None = None
    author: str = "debtor"


@dataclass(frozen=True)
class OutboundReply:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    author: str = "bot"


def audit(
    session: Session,
    actor: str,
    action: str,
    *,
    debtor_id: int | None = None,
    conversation_id: str | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            debtor_id=debtor_id,
            conversation_id=conversation_id,
            detail=detail,
        )
    )


def open_conversation(
    session: Session, debt: Debt, channel: str, language: str | None
) -> tuple[Conversation, bool]:
    """The debtor's live conversation about this debt on this channel, or a new one."""
    existing = session.scalars(
        select(Conversation)
        .where(
            Conversation.debt_id == debt.id,
            Conversation.channel == channel,
            Conversation.state != ConversationState.CLOSED.value,
        )
        .order_by(Conversation.created_at.desc())
    ).first()
    if existing is not None:
        return existing, False
    conversation = Conversation(
        debtor_id=debt.debtor_id, debt_id=debt.id, channel=channel, language=language
    )
    session.add(conversation)
    session.flush()
    audit(
        session,
        "gateway",
        "conversation_opened",
        debtor_id=debt.debtor_id,
        conversation_id=conversation.id,
        channel=channel,
    )
    return conversation, True


def store_inbound(session: Session, inbound: InboundMessage) -> Message | None:
    """Store the message; None when this platform id was already stored (a re-delivery)."""
    if inbound.platform_id is not None:
        seen = session.scalar(
            select(Message.id).where(
                Message.channel == inbound.channel, Message.platform_id == inbound.platform_id
            )
        )
        if seen is not None:
            return None
    message = Message(
        conversation_id=inbound.conversation_id,
        direction="in",
        author=inbound.author,
        channel=inbound.channel,
        platform_id=inbound.platform_id,
        text=inbound.text[:MAX_TEXT_LENGTH],
        status=MessageStatus.PENDING.value,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None  # the same platform id raced in from another process
    return message


def next_pending_inbound(session: Session, conversation_id: str) -> Message | None:
    return session.scalars(
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == "in",
            Message.status == MessageStatus.PENDING.value,
        )
        .order_by(Message.id)
        .limit(1)
    ).first()


def conversations_with_pending(session: Session) -> list[str]:
    rows = session.scalars(
        select(Message.conversation_id)
        .where(Message.direction == "in", Message.status == MessageStatus.PENDING.value)
        .group_by(Message.conversation_id)
    )
    return list(rows)


def store_replies(
    session: Session, inbound: Message, replies: list[OutboundReply]
) -> list[Message]:
    """Mark the inbound message answered and store the replies, in the caller's transaction."""
    inbound.status = MessageStatus.PROCESSED.value
    inbound.processed_at = utcnow()
    # A policy stuck in a loop repeats itself; the debtor reads each sentence once.
    distinct = [r for i, r in enumerate(replies) if i == 0 or r != replies[i - 1]]
    return [add_outbound(session, inbound.conversation_id, inbound.channel, r) for r in distinct]


def add_outbound(
    session: Session, conversation_id: str, channel: str, reply: OutboundReply
) -> Message:
    message = Message(
        conversation_id=conversation_id,
        direction="out",
        author=reply.author,
        channel=channel,
        text=reply.text,
        payload={"buttons": [{"title": t, "payload": p} for t, p in reply.buttons]},
        status=MessageStatus.PENDING.value,
    )
    session.add(message)
    session.flush()
    return message


def mark_delivered(session: Session, message_ids: list[int]) -> None:
    now = utcnow()
    for message in session.scalars(select(Message).where(Message.id.in_(message_ids))):
        message.status = MessageStatus.DELIVERED.value
        message.processed_at = now


def undelivered_outbound(session: Session, conversation_id: str) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(
                Message.conversation_id == conversation_id,
                Message.direction == "out",
                Message.status == MessageStatus.PENDING.value,
            )
            .order_by(Message.id)
        )
    )


def transcript(session: Session, conversation_id: str) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        )
    )


def recently_told(session: Session, conversation_id: str, text: str, minutes: int) -> bool:
    """Whether this exact notice was already sent lately (to avoid repeating 'one moment')."""
    since = utcnow() - timedelta(minutes=minutes)
    return (
        session.scalar(
            select(Message.id).where(
                Message.conversation_id == conversation_id,
                Message.direction == "out",
                Message.text == text,
                Message.created_at >= since,
            )
        )
        is not None
    )
