"""Telegram's storage side: the update inbox and the chat ↔ debtor bindings.

Every function takes the caller's session; the caller commits. The inbox makes an update
durable before any handler runs (unique ``update_id``: a re-delivery is a no-op); a binding is
created only from a verified signed link, so an unknown chat never learns anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import (
    Attachment,
    ChannelBinding,
    Conversation,
    Debt,
    Message,
    MessageStatus,
    TelegramUpdate,
    utcnow,
)
from bot.services import conversations as convs

CHANNEL = "telegram"
MAX_ATTEMPTS = 5


# --- inbox ------------------------------------------------------------------------------------


def store_update(session: Session, payload: dict[str, Any]) -> bool:
    """Keep the raw update; False when this ``update_id`` was already stored."""
    update_id = int(payload["update_id"])
    if session.scalar(select(TelegramUpdate.id).where(TelegramUpdate.update_id == update_id)):
        return False
    try:
        with session.begin_nested():
            session.add(TelegramUpdate(update_id=update_id, payload=payload))
    except IntegrityError:
        return False  # the same update raced in through another process
    return True


def pending_updates(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(TelegramUpdate)
        .where(TelegramUpdate.status == "pending")
        .order_by(TelegramUpdate.update_id)
        .limit(limit)
    )
    return [row.payload for row in rows]


def finish_update(session: Session, update_id: int, error: str | None = None) -> None:
    """Mark the update processed, or count a failed attempt (failed for good after a few)."""
    row = session.scalars(select(TelegramUpdate).where(TelegramUpdate.update_id == update_id)).one()
    row.attempts += 1
    if error is None:
        row.status, row.error, row.processed_at = "processed", None, utcnow()
    else:
        row.error = error[:300]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"


# --- bindings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatConversation:
    conversation_id: str
    language: str | None
    state: str


def bind_chat(
    session: Session, chat_id: int, debt: Debt, language_hint: str | None = None
) -> ChatConversation:
    """Link the chat to the debtor of ``debt`` (re-linking replaces an older binding).

    ``language_hint`` (the Telegram app's language) is used only when the debtor record has
    none and the conversation has not chosen one yet.
    """
    binding = session.scalars(
        select(ChannelBinding).where(
            ChannelBinding.channel == CHANNEL, ChannelBinding.address == str(chat_id)
        )
    ).first()
    if binding is None:
        binding = ChannelBinding(channel=CHANNEL, address=str(chat_id), debtor_id=debt.debtor_id)
        session.add(binding)
    binding.debtor_id, binding.debt_id = debt.debtor_id, debt.id
    binding.active, binding.revoked_at = True, None
    session.flush()
    convs.audit(session, "telegram", "chat_bound", debtor_id=debt.debtor_id, debt_id=debt.id)
    return _open(session, debt, language_hint)


def chat_conversation(session: Session, chat_id: int) -> ChatConversation | None:
    """The live conversation of a bound chat; None when the chat is not bound."""
    binding = _active_binding(session, chat_id)
    if binding is None or binding.debt_id is None:
        return None
    debt = session.get(Debt, binding.debt_id)
    return _open(session, debt) if debt is not None else None


def unbind_chat(session: Session, chat_id: int) -> bool:
    binding = _active_binding(session, chat_id)
    if binding is None:
        return False
    binding.active, binding.revoked_at = False, utcnow()
    convs.audit(session, "telegram", "chat_unbound", debtor_id=binding.debtor_id)
    return True


def chat_of_conversation(session: Session, conversation_id: str) -> int | None:
    """Where to deliver: the debtor's active chat bound to this debt (else any of theirs)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    bindings = session.scalars(
        select(ChannelBinding)
        .where(
            ChannelBinding.channel == CHANNEL,
            ChannelBinding.debtor_id == conversation.debtor_id,
            ChannelBinding.active.is_(True),
        )
        .order_by(ChannelBinding.id.desc())
    ).all()
    preferred = sorted(bindings, key=lambda b: b.debt_id != conversation.debt_id)
    return int(preferred[0].address) if preferred else None


def _active_binding(session: Session, chat_id: int) -> ChannelBinding | None:
    return session.scalars(
        select(ChannelBinding).where(
            ChannelBinding.channel == CHANNEL,
            ChannelBinding.address == str(chat_id),
            ChannelBinding.active.is_(True),
        )
    ).first()


def _open(session: Session, debt: Debt, language_hint: str | None = None) -> ChatConversation:
    conversation, _ = convs.open_conversation(session, debt, CHANNEL, debt.debtor.language)
    if conversation.language is None and language_hint in ("fr", "en"):
        conversation.language = language_hint
    return ChatConversation(
        conversation.id, conversation.language or debt.debtor.language, conversation.state
    )


# --- documents --------------------------------------------------------------------------------


def store_document(
    session: Session,
    directory: Path,
    conversation_id: str,
    platform_id: str,
    filename: str,
    mime_type: str,
    content: bytes,
) -> Attachment | None:
    """Keep a file the debtor sent, for an agent; None if this update was already stored.

    The file is content-addressed on disk (same bytes, same path), so a retry rewrites
    nothing and two copies of one proof take the space of one.
    """
    message = convs.store_inbound(
        session,
        convs.InboundMessage(conversation_id, CHANNEL, f"[document] {filename}", platform_id),
    )
    if message is None:
        return None
    message.status = MessageStatus.ROUTED_TO_AGENT.value
    digest = hashlib.sha256(content).hexdigest()
    relative = f"{digest[:2]}/{digest}"
    path = directory / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(content)
        temporary.replace(path)
    session.flush()
    attachment = Attachment(
        conversation_id=conversation_id,
        message_id=message.id,
        filename=filename[:200],
        mime_type=mime_type[:100],
        size=len(content),
        sha256=digest,
        path=relative,
    )
    session.add(attachment)
    return attachment


def attachments_of(session: Session, conversation_id: str) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.conversation_id == conversation_id)
            .order_by(Attachment.id)
        )
    )


def message_buttons(session: Session, message_id: int) -> list[tuple[str, str]]:
    """The buttons of a stored outbound message, to resolve an inline-keyboard click."""
    message = session.get(Message, message_id)
    if message is None or message.direction != "out":
        return []
    return [
        (str(b["title"]), str(b["payload"])) for b in (message.payload or {}).get("buttons", [])
    ]
