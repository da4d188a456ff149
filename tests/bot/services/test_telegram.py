"""Telegram's storage: the update inbox, chat bindings and documents (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from factories import make_creditor, make_debt
from sqlalchemy.orm import Session

from bot.db.models import ConversationState, MessageStatus
from bot.services import conversations as convs
from bot.services import telegram as store


def update(update_id: int, text: str = "bonjour") -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": 1, "date": 0, "text": text}}


def test_an_update_is_stored_once_and_stays_pending_until_finished(session: Session) -> None:
    assert store.store_update(session, update(901))
    assert not store.store_update(session, update(901, "re-delivered"))
    assert store.store_update(session, update(900))

    assert [u["update_id"] for u in store.pending_updates(session)] == [900, 901]
    store.finish_update(session, 900)
    assert [u["update_id"] for u in store.pending_updates(session)] == [901]


def test_a_failing_update_is_retried_then_set_aside(session: Session) -> None:
    store.store_update(session, update(902))
    for _ in range(store.MAX_ATTEMPTS - 1):
        store.finish_update(session, 902, error="OperationalError: database is locked")
        assert [u["update_id"] for u in store.pending_updates(session)] == [902]
    store.finish_update(session, 902, error="OperationalError: database is locked")
    assert store.pending_updates(session) == []


def test_a_chat_is_bound_by_a_link_and_can_unbind(session: Session) -> None:
    debt = make_debt(session, make_creditor(session), language=None)
    assert store.chat_conversation(session, 4242) is None

    bound = store.bind_chat(session, 4242, debt, language_hint="en")
    again = store.chat_conversation(session, 4242)

    assert again is not None and again.conversation_id == bound.conversation_id
    assert bound.language == "en" and bound.state == ConversationState.BOT.value
    assert store.chat_of_conversation(session, bound.conversation_id) == 4242
    assert store.unbind_chat(session, 4242)
    assert store.chat_conversation(session, 4242) is None
    assert store.chat_of_conversation(session, bound.conversation_id) is None
    assert not store.unbind_chat(session, 4242)


def test_relinking_a_chat_moves_it_to_the_new_debtor(session: Session) -> None:
    creditor = make_creditor(session)
    first, second = make_debt(session, creditor), make_debt(session, creditor)
    store.bind_chat(session, 5151, first)
    moved = store.bind_chat(session, 5151, second)
    current = store.chat_conversation(session, 5151)
    assert current is not None and current.conversation_id == moved.conversation_id
    assert current.conversation_id != store.bind_chat(session, 6161, first).conversation_id


def test_a_document_is_kept_once_on_disk_and_attached(session: Session, tmp_path: Path) -> None:
    debt = make_debt(session, make_creditor(session))
    conversation = store.bind_chat(session, 7070, debt)
    content = b"%PDF-1.4 preuve de virement"

    first = store.store_document(
        session,
        tmp_path,
        conversation.conversation_id,
        "u1",
        "preuve.pdf",
        "application/pdf",
        content,
    )
    again = store.store_document(
        session,
        tmp_path,
        conversation.conversation_id,
        "u1",
        "preuve.pdf",
        "application/pdf",
        content,
    )

    assert first is not None and again is None
    assert (tmp_path / first.path).read_bytes() == content
    assert [a.filename for a in store.attachments_of(session, conversation.conversation_id)] == [
        "preuve.pdf"
    ]
    (message,) = convs.transcript(session, conversation.conversation_id)
    assert message.status == MessageStatus.ROUTED_TO_AGENT.value  # for a person, not for Rasa
