"""Storing before processing: duplicates, order, replies, delivery state (SQLite and PostgreSQL)."""

from __future__ import annotations

from factories import make_conversation, make_creditor, make_debt
from sqlalchemy.orm import Session

from bot.db.models import MessageStatus
from bot.services import conversations as convs


def test_inbound_message_is_stored_pending_and_a_redelivery_is_refused(session: Session) -> None:
    conversation = make_conversation(session, make_debt(session, make_creditor(session)))
    inbound = convs.InboundMessage(conversation.id, "web", "bonjour", platform_id="abc-1")

    first = convs.store_inbound(session, inbound)
    again = convs.store_inbound(session, inbound)

    assert first is not None and first.status == MessageStatus.PENDING.value
    assert again is None
    assert [m.text for m in convs.transcript(session, conversation.id)] == ["bonjour"]


def test_pending_messages_come_back_oldest_first(session: Session) -> None:
    conversation = make_conversation(session, make_debt(session, make_creditor(session)))
    for text in ("un", "deux", "trois"):
        convs.store_inbound(session, convs.InboundMessage(conversation.id, "web", text))

    first = convs.next_pending_inbound(session, conversation.id)
    assert first is not None and first.text == "un"
    convs.store_replies(session, first, [convs.OutboundReply("réponse")])
    second = convs.next_pending_inbound(session, conversation.id)

    assert second is not None and second.text == "deux"
    assert conversation.id in convs.conversations_with_pending(session)


def test_replies_stay_undelivered_until_marked(session: Session) -> None:
    conversation = make_conversation(session, make_debt(session, make_creditor(session)))
    inbound = convs.store_inbound(session, convs.InboundMessage(conversation.id, "web", "oui"))
    assert inbound is not None
    replies = convs.store_replies(
        session,
        inbound,
        [
            convs.OutboundReply("Merci.", buttons=(("Oui", "/affirm"),)),
            convs.OutboundReply("Autre chose ?"),
        ],
    )

    assert [m.id for m in convs.undelivered_outbound(session, conversation.id)] == [
        m.id for m in replies
    ]
    assert replies[0].payload == {"buttons": [{"title": "Oui", "payload": "/affirm"}]}
    convs.mark_delivered(session, [replies[0].id])
    assert [m.text for m in convs.undelivered_outbound(session, conversation.id)] == [
        "Autre chose ?"
    ]
    assert inbound.status == MessageStatus.PROCESSED.value


def test_a_debt_keeps_one_open_conversation_per_channel(session: Session) -> None:
    debt = make_debt(session, make_creditor(session))
    first, created = convs.open_conversation(session, debt, "web", "fr")
    again, created_again = convs.open_conversation(session, debt, "web", "fr")
    other, _ = convs.open_conversation(session, debt, "telegram", "fr")

    assert created and not created_again
    assert again.id == first.id
    assert other.id != first.id


def test_a_reply_repeated_in_one_turn_is_stored_once(session: Session) -> None:
    conversation = make_conversation(session, make_debt(session, make_creditor(session)))
    inbound = convs.store_inbound(session, convs.InboundMessage(conversation.id, "web", "merci"))
    assert inbound is not None
    same = convs.OutboundReply("Prenez le temps de m'expliquer.")
    stored = convs.store_replies(
        session, inbound, [convs.OutboundReply("Merci."), same, same, same]
    )
    assert [m.text for m in stored] == ["Merci.", "Prenez le temps de m'expliquer."]
