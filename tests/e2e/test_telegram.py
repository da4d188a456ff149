"""Whole conversations on Telegram: the fake Bot API server ↔ the real gateway, Rasa and
action server, over real HTTP (webhook mode; one test switches the gateway to polling).

Each test uses its own chat id and its own debtor.
"""

from __future__ import annotations

import itertools
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fake_telegram import FakeTelegram, Sent
from stack import Stack, add_debtor

pytestmark = pytest.mark.e2e

_chat_ids = itertools.count(int(time.time()) % 1_000_000 * 100)


def new_chat() -> int:
    return next(_chat_ids)


def text_of(messages: list[Sent]) -> str:
    return "\n".join(m.text for m in messages)


def titles(messages: list[Sent]) -> list[str]:
    return [title for m in messages for title, _ in m.buttons]


class Debtor:
    """A debtor's Telegram chat: send, click, and read what the bot answered."""

    def __init__(self, telegram: FakeTelegram, language: str) -> None:
        self.telegram = telegram
        self.language = language
        self.chat_id = new_chat()

    def seen(self) -> int:
        return len(self.telegram.messages_to(self.chat_id))

    def say(self, text: str, **wait: Any) -> list[Sent]:
        before = self.seen()
        self.telegram.user_sends(self.chat_id, text, self.language)
        return self.telegram.wait_for(self.chat_id, before, **wait)

    def click(self, replies: list[Sent], title: str) -> list[Sent]:
        sent = next(m for m in reversed(replies) if title in dict(m.buttons))
        before = self.seen()
        self.telegram.user_clicks(self.chat_id, sent, title, self.language)
        return self.telegram.wait_for(self.chat_id, before)

    def start(self, stack: Stack, *, verify: bool = True) -> tuple[str, list[Sent]]:
        invoice, token = add_debtor(stack, language=self.language)
        said = self.say(f"/start {token}")
        if verify:
            said += self.say("75011")
        return invoice, said


def test_webhook_was_registered_with_a_secret(stack: Stack, telegram: FakeTelegram) -> None:
    deadline = time.monotonic() + 10  # registered in the background after start
    while telegram.webhook is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert telegram.webhook is not None
    assert telegram.webhook["url"] == f"{stack.gateway_url}/telegram/webhook"
    assert len(telegram.webhook["secret_token"]) >= 32


def test_webhook_refuses_a_post_without_the_secret(stack: Stack) -> None:
    import httpx

    update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 1}}}
    response = httpx.post(f"{stack.gateway_url}/telegram/webhook", json=update)
    assert response.status_code == 403
    forged = httpx.post(
        f"{stack.gateway_url}/telegram/webhook",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
    )
    assert forged.status_code == 403


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "lien Telegram personnel"), ("en", "personal Telegram link")]
)
def test_an_unbound_chat_learns_nothing(
    stack: Stack, telegram: FakeTelegram, language: str, words: str
) -> None:
    debtor = Debtor(telegram, language)
    said = debtor.say("bonjour, combien je dois ?")
    assert words in text_of(said)
    invalid = debtor.say("/start not-a-valid-token")
    assert "lien" in text_of(invalid) or "link" in text_of(invalid)
    assert "Lumen" not in text_of(said + invalid)


@pytest.mark.parametrize(
    ("language", "message", "yes", "accept", "heard"),
    [
        (
            "fr",
            "j'ai perdu mon emploi le mois dernier, je peux payer 150 € par mois",
            "Oui",
            "Cela me convient",
            "la perte de votre emploi",
        ),
        (
            "en",
            "I lost my job last month, I could pay about 150 euros a month",
            "Yes",
            "That suits me",
            "losing your job",
        ),
    ],
)
def test_a_whole_conversation_with_buttons_ends_in_a_stored_plan(
    stack: Stack,
    telegram: FakeTelegram,
    language: str,
    message: str,
    yes: str,
    accept: str,
    heard: str,
) -> None:
    debtor = Debtor(telegram, language)
    invoice, opening = debtor.start(stack)
    said = text_of(opening)
    assert "Lumen Énergie" in said and ("HUMAIN" in said or "HUMAN" in said)
    assert invoice in said  # after the postcode, not before (see the opening test)

    paraphrase = debtor.say(message)
    assert heard in text_of(paraphrase)
    assert yes in titles(paraphrase)  # Rasa buttons became an inline keyboard
    offer = debtor.click(paraphrase, yes)
    assert accept in titles(offer)
    recap = debtor.click(offer, accept)
    assert invoice in text_of(recap)

    plan = stack.rows(
        "SELECT p.total FROM payment_plan p JOIN debt t ON t.id = p.debt_id "
        "WHERE t.invoice_number = :i AND p.status = 'accepted'",
        i=invoice,
    )
    assert [Decimal(str(total)) for (total,) in plan] == [Decimal("1480.00")]
    stored = stack.rows(
        "SELECT m.direction, m.channel, m.status FROM message m JOIN conversation c "
        "ON c.id = m.conversation_id JOIN debt t ON t.id = c.debt_id WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert stored and {channel for _, channel, _ in stored} == {"telegram"}
    assert all(status != "pending" for _, _, status in stored)
    typing = [c for c in telegram.calls_of("sendChatAction") if c["chat_id"] == debtor.chat_id]
    assert typing and typing[0]["action"] == "typing"


def test_the_opening_says_nothing_about_the_debt_before_identity(
    stack: Stack, telegram: FakeTelegram
) -> None:
    debtor = Debtor(telegram, "en")
    invoice, opening = debtor.start(stack, verify=False)
    said = text_of(opening)
    assert "automated assistant of Lumen Énergie" in said and "postcode" in said
    assert invoice not in said and "480" not in said


def test_a_repeated_update_changes_nothing(stack: Stack, telegram: FakeTelegram) -> None:
    debtor = Debtor(telegram, "fr")
    invoice, _ = debtor.start(stack)
    before = debtor.seen()
    update_id = telegram.user_sends(debtor.chat_id, "je voudrais le détail de ce que je dois")
    first = telegram.wait_for(debtor.chat_id, before)
    telegram.push(
        {
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": debtor.chat_id, "type": "private"},
                "from": {"id": debtor.chat_id, "is_bot": False, "first_name": "D"},
                "text": "je voudrais le détail de ce que je dois",
            }
        },
        update_id=update_id,
    )
    time.sleep(3)
    assert debtor.seen() == before + len(first)
    inbound = stack.rows(
        "SELECT count(*) FROM message m JOIN conversation c ON c.id = m.conversation_id "
        "JOIN debt t ON t.id = c.debt_id WHERE t.invoice_number = :i AND m.direction = 'in' "
        "AND m.text LIKE 'je voudrais%'",
        i=invoice,
    )
    assert inbound == [(1,)]
    assert stack.rows("SELECT count(*) FROM telegram_update WHERE update_id = :u", u=update_id) == [
        (1,)
    ]


def test_edits_media_and_documents_get_a_clear_answer(stack: Stack, telegram: FakeTelegram) -> None:
    debtor = Debtor(telegram, "fr")
    invoice, _ = debtor.start(stack)
    for send in (telegram.user_sends_photo, telegram.user_sends_sticker, telegram.user_sends_voice):
        before = debtor.seen()
        send(debtor.chat_id)
        assert "messages écrits" in text_of(telegram.wait_for(debtor.chat_id, before))
    before = debtor.seen()
    telegram.user_edits(debtor.chat_id, "en fait je paierai lundi")
    assert "message modifié" in text_of(telegram.wait_for(debtor.chat_id, before))

    proof = b"%PDF-1.4 proof of payment " + invoice.encode()
    before = debtor.seen()
    telegram.user_sends_document(debtor.chat_id, "virement.pdf", proof)
    assert "virement.pdf" in text_of(telegram.wait_for(debtor.chat_id, before))
    (row,) = stack.rows(
        "SELECT a.filename, a.size, a.path FROM attachment a JOIN conversation c "
        "ON c.id = a.conversation_id JOIN debt t ON t.id = c.debt_id WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert row[0] == "virement.pdf" and row[1] == len(proof)
    assert (Path(stack.env["ECOUTE_VAR_DIR"]) / "attachments" / row[2]).read_bytes() == proof


def test_a_429_is_retried_after_retry_after_and_the_reply_arrives_once(
    stack: Stack, telegram: FakeTelegram
) -> None:
    debtor = Debtor(telegram, "en")
    debtor.start(stack)
    telegram.fail_next("sendMessage", 1)
    said = debtor.say("are you a robot?")
    assert len([m for m in said if "not a person" in m.text]) == 1
    attempts = [
        c
        for c in telegram.calls_of("sendMessage")
        if c["chat_id"] == debtor.chat_id and "not a person" in c["text"]
    ]
    assert len(attempts) == 2  # refused once with 429, sent again after retry_after


def test_stop_opts_out_on_every_channel_and_unbinds_the_chat(
    stack: Stack, telegram: FakeTelegram
) -> None:
    debtor = Debtor(telegram, "fr")
    invoice, _ = debtor.start(stack)
    said = debtor.say("/stop")
    assert "vous ne recevrez plus de messages" in text_of(said)
    assert stack.rows(
        "SELECT o.channel FROM opt_out o JOIN debt t ON t.debtor_id = o.debtor_id "
        "WHERE t.invoice_number = :i",
        i=invoice,
    ) == [(None,)]
    after = debtor.say("bonjour ?")
    assert "lien Telegram personnel" in text_of(after) and invoice not in text_of(after)


def test_a_gateway_crash_mid_conversation_loses_nothing(
    stack: Stack, telegram: FakeTelegram
) -> None:
    debtor = Debtor(telegram, "en")
    invoice, _ = debtor.start(stack)
    stack.kill("gateway")
    before = debtor.seen()
    telegram.user_sends(debtor.chat_id, "what are my payment options?", "en")
    time.sleep(1.5)  # Telegram keeps re-posting the update while the gateway is down
    assert debtor.seen() == before
    stack.start_gateway()
    said = telegram.wait_for(debtor.chat_id, before)
    assert invoice in text_of(said)
    assert stack.rows(
        "SELECT count(*) FROM message m JOIN conversation c ON c.id = m.conversation_id "
        "JOIN debt t ON t.id = c.debt_id WHERE t.invoice_number = :i AND m.direction = 'in' "
        "AND m.text = 'what are my payment options?'",
        i=invoice,
    ) == [(1,)]


def test_long_polling_mode_holds_the_same_conversation(
    stack: Stack, telegram: FakeTelegram
) -> None:
    stack.stop("gateway")
    stack.start_gateway(ECOUTE_TELEGRAM_MODE="polling", ECOUTE_TELEGRAM_POLL_TIMEOUT_SECONDS="2")
    try:
        deadline = time.monotonic() + 10
        while telegram.webhook is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert telegram.webhook is None  # deleteWebhook at start, then getUpdates
        debtor = Debtor(telegram, "fr")
        invoice, said = debtor.start(stack)
        assert invoice in text_of(said)
        assert telegram.calls_of("getUpdates")
    finally:
        stack.stop("gateway")
        stack.start_gateway(ECOUTE_TELEGRAM_MODE="webhook")
