"""A person takes over: users, queue, claim, reply, notes, hand back, waiting too long."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import PASSWORD, make_creditor, make_debt, make_escalated, make_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import AuditEvent, ConversationState, Escalation, Ticket
from bot.domain.passwords import WeakPassword
from bot.services import handoff


def test_users_sign_in_with_their_password_only(session: Session) -> None:
    user = make_user(session, make_creditor(session))
    assert handoff.authenticate(session, user.email.upper(), PASSWORD) is not None
    assert handoff.authenticate(session, user.email, PASSWORD + "x") is None
    assert handoff.authenticate(session, "nobody@example.test", PASSWORD) is None
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    with pytest.raises(WeakPassword):
        handoff.create_user(session, "short@example.test", "S", "agent", "short", [])
    with pytest.raises(ValueError, match="unknown creditor"):
        handoff.create_user(session, "x@example.test", "X", "agent", PASSWORD, ["nope"])


def test_the_queue_shows_only_the_users_creditors_oldest_first(session: Session) -> None:
    mine, theirs = make_creditor(session), make_creditor(session)
    first = make_escalated(session, make_debt(session, mine))
    second = make_escalated(session, make_debt(session, mine))
    make_escalated(session, make_debt(session, theirs))
    user = make_user(session, mine)

    assert [i.conversation_id for i in handoff.queue(session, user)] == [first.id, second.id]
    with pytest.raises(handoff.AccessDenied):
        handoff.view(session, user, make_escalated(session, make_debt(session, theirs)).id)


def test_one_agent_at_a_time_and_replies_need_the_claim(session: Session) -> None:
    creditor = make_creditor(session)
    conversation = make_escalated(session, make_debt(session, creditor))
    alice, bob = make_user(session, creditor), make_user(session, creditor)

    with pytest.raises(handoff.HeldByAnother):
        handoff.reply(session, alice, conversation.id, "Bonjour")
    handoff.claim(session, alice, conversation.id)
    with pytest.raises(handoff.HeldByAnother, match=alice.name):
        handoff.claim(session, bob, conversation.id)
    with pytest.raises(handoff.HeldByAnother):
        handoff.reply(session, bob, conversation.id, "Bonjour")

    message = handoff.reply(session, alice, conversation.id, "Bonjour, je suis Alice.")
    assert message.author == "agent" and message.payload["agent"] == alice.name
    assert conversation.state == ConversationState.AGENT.value
    with pytest.raises(ValueError):
        handoff.reply(session, alice, conversation.id, "   ")


def test_handing_back_records_the_outcome_and_gives_the_bot_the_conversation(
    session: Session,
) -> None:
    creditor = make_creditor(session)
    conversation = make_escalated(session, make_debt(session, creditor))
    agent = make_user(session, creditor)
    handoff.claim(session, agent, conversation.id)
    handoff.add_note(session, agent, conversation.id, "Called back, agreed 3 x 100.")
    with pytest.raises(ValueError):
        handoff.hand_back(session, agent, conversation.id, "made-up outcome")

    handoff.hand_back(session, agent, conversation.id, "plan_agreed")

    escalation = session.scalars(select(Escalation)).one()
    assert (escalation.status, escalation.outcome) == ("closed", "plan_agreed")
    assert conversation.state == ConversationState.BOT.value
    actions = [e.action for e in session.scalars(select(AuditEvent)) if e.actor.startswith("agent")]
    assert actions == ["claimed", "note_added", "handed_back"]
    assert handoff.queue(session, agent) == []


def test_a_debtor_waiting_too_long_is_told_once_and_can_ask_for_a_callback(
    session: Session,
) -> None:
    conversation = make_escalated(session, make_debt(session, make_creditor(session)))
    assert handoff.unanswered(session, timedelta(minutes=15)) == []
    assert handoff.unanswered(session, timedelta(0)) == [conversation.id]
    assert handoff.unanswered(session, timedelta(0)) == []  # told once

    assert handoff.record_follow_up(session, conversation.id, "/callback_request") == (
        "callback_request"
    )
    assert handoff.record_follow_up(session, conversation.id, "bonjour ?") is None
    assert [t.kind for t in session.scalars(select(Ticket))] == ["callback_request"]


def test_an_agent_reply_that_threatens_is_refused_and_nothing_is_stored(session: Session) -> None:
    creditor = make_creditor(session)
    conversation = make_escalated(session, make_debt(session, creditor))
    agent = make_user(session, creditor)
    handoff.claim(session, agent, conversation.id)
    with pytest.raises(handoff.ThreateningWords, match="huissier"):
        handoff.reply(session, agent, conversation.id, "Sinon j'envoie l'huissier demain.")
    message = handoff.reply(session, agent, conversation.id, "Je regarde votre dossier.")
    assert message.text == "Je regarde votre dossier."
