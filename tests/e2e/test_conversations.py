"""Whole conversations over socket.io with the real gateway, Rasa server and action server.

Each test gets its own debtor (fresh invoice, fresh conversation) and checks both what the
debtor reads and what the database recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest
from stack import Chat, Stack, add_debtor, buttons, texts

pytestmark = pytest.mark.e2e


ChatFactory = Callable[..., Any]


@pytest.fixture
async def open_chat(stack: Stack) -> AsyncIterator[ChatFactory]:
    chats: list[Chat] = []

    async def factory(
        language: str, *, verify: bool = True, amount: str = "1480.00"
    ) -> tuple[Chat, str, list[dict[str, Any]]]:
        invoice, token = add_debtor(stack, language=language, amount=amount)
        chat = Chat(stack.gateway_url, token)
        chats.append(chat)
        opening = await chat.connect()
        if verify:
            opening += await chat.say("75011")
        return chat, invoice, opening

    yield factory
    for chat in chats:
        await chat.close()


# --- 1. opening and identity ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "bot_words", "human", "question"),
    [
        ("fr", "assistant automatisé de Lumen Énergie", "HUMAIN", "code postal"),
        ("en", "automated assistant of Lumen Énergie", "HUMAN", "postcode"),
    ],
)
async def test_opening_discloses_the_bot_and_asks_identity_before_any_detail(
    open_chat: ChatFactory, language: str, bot_words: str, human: str, question: str
) -> None:
    _chat, invoice, opening = await open_chat(language, verify=False)
    said = texts(opening)
    assert bot_words in said
    assert human in said and "STOP" in said
    assert question in said
    assert invoice not in said and "1" not in said.replace("1 ", "")  # no amount, no reference


@pytest.mark.parametrize(
    ("language", "open_question"),
    [
        ("fr", "Comment les choses se passent-elles de votre côté"),
        ("en", "How are things on your side"),
    ],
)
async def test_verified_debtor_hears_about_the_invoice_with_an_open_question(
    open_chat: ChatFactory, language: str, open_question: str
) -> None:
    _, invoice, said = await open_chat(language)
    assert invoice in texts(said)
    assert open_question in texts(said)


@pytest.mark.parametrize(
    ("language", "locked", "details"),
    [
        ("fr", "Par sécurité", "combien je dois exactement ?"),
        ("en", "For your security", "how much do I owe exactly?"),
    ],
)
async def test_three_wrong_answers_lock_disclosure_and_offer_a_person(
    stack: Stack, open_chat: ChatFactory, language: str, locked: str, details: str
) -> None:
    chat, invoice, _ = await open_chat(language, verify=False)
    first = await chat.say("12345")
    second = await chat.say("54321")
    third = await chat.say("99999")
    assert "2" in texts(first) and "1" in texts(second)
    assert locked in texts(third)
    assert "/request_human" in buttons(third)
    after = await chat.say(details)
    assert invoice not in texts(after) and "480" not in texts(after)
    (locked_until,) = stack.rows(
        "SELECT d.identity_locked_until FROM debtor d JOIN debt t ON "
        "t.debtor_id = d.id WHERE t.invoice_number = :i",
        i=invoice,
    )[0]
    assert locked_until is not None


@pytest.mark.parametrize(
    ("language", "message", "apology"),
    [
        ("fr", "Vous vous trompez de personne, je ne connais pas cette dame", "excuser"),
        ("en", "You've got the wrong person, I don't know who that is", "apologise"),
    ],
)
async def test_wrong_person_gets_an_apology_nothing_disclosed_and_contact_stops(
    stack: Stack, open_chat: ChatFactory, language: str, message: str, apology: str
) -> None:
    chat, invoice, _ = await open_chat(language, verify=False)
    said = texts(await chat.say(message))
    assert apology in said
    assert invoice not in said and "Lumen" not in said
    ((wrong, state),) = stack.rows(
        "SELECT d.wrong_person, c.state FROM debtor d JOIN debt t ON "
        "t.debtor_id = d.id JOIN conversation c ON c.debt_id = t.id "
        "WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert wrong and state == "closed"
    assert stack.rows(
        "SELECT o.channel FROM opt_out o JOIN debt t ON t.debtor_id = o.debtor_id "
        "WHERE t.invoice_number = :i",
        i=invoice,
    ) == [("web",)]


# --- 3 and 4. listening, hardship, plans -----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message", "heard", "money"),
    [
        (
            "fr",
            "j'ai perdu mon emploi le mois dernier, je peux payer 150 € par mois",
            "la perte de votre emploi",
            "150,00",
        ),
        (
            "en",
            "I lost my job last month, I could pay about 150 euros a month",
            "losing your job",
            "€150.00",
        ),
    ],
)
async def test_hardship_is_reformulated_then_a_plan_within_policy_is_agreed(
    stack: Stack, open_chat: ChatFactory, language: str, message: str, heard: str, money: str
) -> None:
    chat, invoice, _ = await open_chat(language)
    paraphrase = await chat.say(message)
    assert heard in texts(paraphrase) and money in texts(paraphrase)
    assert {"/affirm", "/deny"} <= set(buttons(paraphrase))

    offer = await chat.say("/affirm")
    # 1 480 € at 150 €/month would take 10 months; the creditor allows 6: a counter-offer.
    assert "6" in texts(offer)
    assert "/affirm" in buttons(offer) and "/request_human" in buttons(offer)

    recap = await chat.say("/affirm")
    assert invoice in texts(recap) and ("HUMAIN" in texts(recap) or "HUMAN" in texts(recap))
    plan = stack.rows(
        "SELECT p.id, p.total FROM payment_plan p JOIN debt t ON t.id = p.debt_id "
        "WHERE t.invoice_number = :i AND p.status = 'accepted'",
        i=invoice,
    )
    assert len(plan) == 1 and Decimal(str(plan[0][1])) == Decimal("1480.00")
    amounts = stack.rows(
        "SELECT amount FROM instalment WHERE plan_id = :p ORDER BY number", p=plan[0][0]
    )
    assert len(amounts) == 6
    assert sum(Decimal(str(a)) for (a,) in amounts) == Decimal("1480.00")
    causes = stack.rows(
        "SELECT c.category FROM cause c JOIN debt t ON t.id = c.debt_id "
        "WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert causes == [("hardship",)]


@pytest.mark.parametrize(
    ("language", "ask", "answer"),
    [
        ("fr", "Est-ce que je pourrais payer en plusieurs fois ?", "100 euros par mois"),
        ("en", "Could I pay this in instalments please?", "100 a month"),
    ],
)
async def test_instalment_request_asks_what_is_manageable_then_proposes(
    stack: Stack, open_chat: ChatFactory, language: str, ask: str, answer: str
) -> None:
    chat, invoice, _ = await open_chat(language, amount="300.00")
    await chat.say(ask)
    question = await chat.say("/affirm")
    assert ("par mois" in texts(question)) or ("monthly" in texts(question))
    offer = await chat.say(answer)
    assert len([line for line in texts(offer).splitlines() if line.startswith("•")]) == 3
    refused = await chat.say("/deny")
    assert texts(refused)  # asked again, openly
    assert stack.rows(
        "SELECT count(*) FROM payment_plan p JOIN debt t ON t.id = p.debt_id "
        "WHERE t.invoice_number = :i AND p.status = 'accepted'",
        i=invoice,
    ) == [(0,)]


@pytest.mark.parametrize(
    ("language", "wrong", "right", "sorry"),
    [
        (
            "fr",
            "j'ai des difficultés financières en ce moment",
            "en fait je n'ai jamais reçu la facture",
            "Pardon",
        ),
        (
            "en",
            "money is really tight for me right now",
            "actually I never received the invoice",
            "Sorry",
        ),
    ],
)
async def test_a_rejected_reformulation_is_kept_as_a_training_example(
    stack: Stack, open_chat: ChatFactory, language: str, wrong: str, right: str, sorry: str
) -> None:
    chat, invoice, _ = await open_chat(language)
    await chat.say(wrong)
    correction = await chat.say("/deny")
    assert sorry in texts(correction)
    await chat.say(right)
    asked = await chat.say("/affirm")
    assert "@" in texts(asked) or "e-mail" in texts(asked) or "email" in texts(asked)
    done = await chat.say("compta@example.org")
    assert invoice in texts(done) and "#" in texts(done)
    labelled = stack.rows(
        "SELECT c.predicted_intent, c.confirmed_intent, c.status FROM classification"
        " c JOIN conversation v ON v.id = c.conversation_id JOIN debt t ON "
        "t.id = v.debt_id WHERE t.invoice_number = :i ORDER BY c.id",
        i=invoice,
    )
    assert labelled[0][2] == "corrected" and labelled[0][1] == "admin_problem"
    assert labelled[-1] == ("admin_problem", "admin_problem", "confirmed")
    tickets = stack.rows(
        "SELECT kind FROM ticket k JOIN debt t ON t.id = k.debt_id WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert tickets == [("invoice_delivery",)]


# --- 5. dispute --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message", "recorded"),
    [
        ("fr", "Je conteste cette facture, la livraison était incomplète", "contestation"),
        ("en", "I dispute this invoice, the delivery was incomplete", "dispute"),
    ],
)
async def test_dispute_is_recorded_and_collection_paused(
    stack: Stack, open_chat: ChatFactory, language: str, message: str, recorded: str
) -> None:
    chat, invoice, _ = await open_chat(language)
    paraphrase = await chat.say(message)
    assert invoice in texts(paraphrase)
    done = await chat.say("/affirm")
    assert recorded in texts(done) and "2025" in texts(done)  # review date
    assert "/request_human" in buttons(done)
    ((paused, status),) = stack.rows(
        "SELECT collection_paused, status FROM debt WHERE invoice_number = :i", i=invoice
    )
    assert paused and status == "disputed"
    disputes = stack.rows(
        "SELECT d.category, d.status FROM dispute d JOIN debt t ON t.id = "
        "d.debt_id WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert disputes == [("incomplete", "open")]


# --- 7. already paid, 8. promise -------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "claim", "details"),
    [
        ("fr", "Mais j'ai déjà payé cette facture", "480 euros le 2 janvier par virement"),
        ("en", "But I already paid this invoice", "480 euros on 2 January by bank transfer"),
    ],
)
async def test_payment_claim_is_recorded_for_reconciliation(
    stack: Stack, open_chat: ChatFactory, language: str, claim: str, details: str
) -> None:
    chat, invoice, _ = await open_chat(language)
    await chat.say(claim)
    await chat.say("/affirm")
    done = await chat.say(details)
    assert "480" in texts(done)
    ((amount, paid_on, method),) = stack.rows(
        "SELECT c.amount, c.paid_on, c.method FROM payment_claim c JOIN debt t ON "
        "t.id = c.debt_id WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert Decimal(str(amount)) == Decimal("480.00")
    assert str(paid_on).startswith("2025-01-02") and method == "transfer"
    assert stack.rows(
        "SELECT collection_paused FROM debt WHERE invoice_number = :i", i=invoice
    ) == [(1,)]


@pytest.mark.parametrize(
    ("language", "promise", "when"),
    [
        ("fr", "Je vous paierai 200 € le 15 janvier", "15 janvier 2025"),
        ("en", "I will pay 200 euros on 15 January", "15 January 2025"),
    ],
)
async def test_promise_is_confirmed_back_and_recorded(
    stack: Stack, open_chat: ChatFactory, language: str, promise: str, when: str
) -> None:
    chat, invoice, _ = await open_chat(language)
    paraphrase = await chat.say(promise)
    assert when in texts(paraphrase) and "200" in texts(paraphrase)
    done = await chat.say("/affirm")
    assert when in texts(done)
    ((amount, day),) = stack.rows(
        "SELECT p.amount, p.promised_on FROM promise p JOIN debt t ON "
        "t.id = p.debt_id WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert Decimal(str(amount)) == Decimal("200.00") and str(day).startswith("2025-01-15")


# --- 9. a person, 10. stop, 11. vulnerability --------------------------------------------------


@pytest.mark.parametrize(
    ("language", "keyword", "told"),
    [
        ("fr", "HUMAIN", "une personne de l'équipe"),
        ("en", "human", "a member of the"),
    ],
)
async def test_human_keyword_escalates_with_a_summary_and_pauses_the_bot(
    stack: Stack, open_chat: ChatFactory, language: str, keyword: str, told: str
) -> None:
    chat, invoice, _ = await open_chat(language)
    said = await chat.say(keyword)
    assert told in texts(said)
    ((state,),) = stack.rows(
        "SELECT c.state FROM conversation c JOIN debt t ON t.id = c.debt_id "
        "WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert state == "waiting_agent"
    ((summary,),) = stack.rows(
        "SELECT e.summary FROM escalation e JOIN conversation c ON c.id = "
        "e.conversation_id JOIN debt t ON t.id = c.debt_id WHERE "
        "t.invoice_number = :i",
        i=invoice,
    )
    assert invoice in summary and "Identity verified: yes" in summary
    held = await chat.say("bonjour ?" if language == "fr" else "hello?")
    assert held and "Rasa" not in texts(held)
    stored = stack.rows(
        "SELECT m.status FROM message m JOIN conversation c ON c.id = "
        "m.conversation_id JOIN debt t ON t.id = c.debt_id WHERE "
        "t.invoice_number = :i AND m.direction = 'in' ORDER BY m.id DESC LIMIT 1",
        i=invoice,
    )
    assert stored == [("routed_to_agent",)]
    stopped = await chat.say("STOP")  # stop still means stop while a person holds the thread
    assert "STOP" not in texts(stopped) and texts(stopped)
    assert stack.rows(
        "SELECT o.channel FROM opt_out o JOIN debt t ON t.debtor_id = o.debtor_id"
        " WHERE t.invoice_number = :i",
        i=invoice,
    ) == [(None,)]


@pytest.mark.parametrize(
    ("language", "confirmation"),
    [
        ("fr", "vous ne recevrez plus de messages"),
        ("en", "you will not receive any more"),
    ],
)
async def test_stop_is_confirmed_in_one_message_and_recorded(
    stack: Stack, open_chat: ChatFactory, language: str, confirmation: str
) -> None:
    chat, invoice, _ = await open_chat(language)
    said = await chat.say("STOP")
    assert len(said) == 1 and confirmation in texts(said)
    assert stack.rows(
        "SELECT o.channel FROM opt_out o JOIN debt t ON t.debtor_id = o.debtor_id"
        " WHERE t.invoice_number = :i",
        i=invoice,
    ) == [(None,)]


@pytest.mark.parametrize(
    ("language", "message", "empathy"),
    [
        (
            "fr",
            "Mon mari est décédé il y a trois semaines, je n'arrive plus à m'occuper de rien",
            "très difficile",
        ),
        (
            "en",
            "My husband passed away three weeks ago and I can't cope with anything right now",
            "very hard",
        ),
    ],
)
async def test_vulnerability_gets_empathy_a_person_and_no_pressure(
    stack: Stack, open_chat: ChatFactory, language: str, message: str, empathy: str
) -> None:
    chat, invoice, _ = await open_chat(language)
    said = await chat.say(message)
    assert empathy in texts(said)
    assert "/request_human" in buttons(said)
    assert "€" not in texts(said)  # no amount, no plan
    ((vulnerable, paused),) = stack.rows(
        "SELECT d.vulnerable, t.collection_paused FROM debtor d"
        " JOIN debt t ON t.debtor_id = d.id WHERE "
        "t.invoice_number = :i",
        i=invoice,
    )
    assert vulnerable and paused
    assert stack.rows(
        "SELECT count(*) FROM payment_plan p JOIN debt t ON t.id = p.debt_id "
        "WHERE t.invoice_number = :i",
        i=invoice,
    ) == [(0,)]


# --- 12. details and payment methods after verification ---------------------------------------


@pytest.mark.parametrize(
    ("language", "details", "how", "amount"),
    [
        ("fr", "Combien je dois exactement ?", "Comment est-ce que je peux payer ?", "1 480,00"),
        ("en", "How much do I owe exactly?", "How can I pay?", "€1,480.00"),
    ],
)
async def test_details_and_payment_methods_after_verification(
    open_chat: ChatFactory, language: str, details: str, how: str, amount: str
) -> None:
    chat, invoice, _ = await open_chat(language)
    said = texts(await chat.say(details))
    assert invoice in said and amount in said.replace("\u202f", " ").replace("\xa0", " ")
    assert "IBAN" in texts(await chat.say(how))


# --- the gateway's own guarantees ---------------------------------------------------------------


async def test_a_redelivered_message_is_processed_once(
    stack: Stack, open_chat: ChatFactory
) -> None:
    chat, invoice, _ = await open_chat("fr")
    first = await chat.say("Combien je dois ?", client_msg_id="same-id")
    again = await chat.say("Combien je dois ?", client_msg_id="same-id", quiet=1.5)
    assert first and not [m for m in again if m.get("metadata", {}).get("author") == "bot"]
    count = stack.rows(
        "SELECT count(*) FROM message m JOIN conversation c ON c.id = "
        "m.conversation_id JOIN debt t ON t.id = c.debt_id WHERE "
        "t.invoice_number = :i AND m.text = 'Combien je dois ?'",
        i=invoice,
    )
    assert count == [(1,)]


async def test_bad_input_gets_a_clear_reply_and_no_detail(stack: Stack) -> None:
    anonymous = Chat(stack.gateway_url, None)
    try:
        await anonymous.connect()
        said = await anonymous.say("combien je dois ?")
        assert "lien personnel" in texts(said)
    finally:
        await anonymous.close()
    forged = Chat(stack.gateway_url, "not-a-token")
    try:
        said = await forged.connect()
        assert "lien personnel" in texts(said)
    finally:
        await forged.close()
    _, token = add_debtor(stack, language="fr")
    chat = Chat(stack.gateway_url, token)
    try:
        await chat.connect()
        assert "vide" in texts(await chat.say(None))
        assert "long" in texts(await chat.say("x" * 5000))
    finally:
        await chat.close()


async def test_rasa_down_the_debtor_waits_and_nothing_is_lost(
    stack: Stack, open_chat: ChatFactory
) -> None:
    chat, invoice, _ = await open_chat("en")
    stack.stop("rasa")
    try:
        waiting = await chat.say("How much do I owe exactly?")
        assert "One moment" in texts(waiting)
        pending = stack.rows(
            "SELECT m.status FROM message m JOIN conversation c ON c.id = "
            "m.conversation_id JOIN debt t ON t.id = c.debt_id WHERE "
            "t.invoice_number = :i AND m.direction = 'in' ORDER BY m.id DESC "
            "LIMIT 1",
            i=invoice,
        )
        assert pending == [("pending",)]
    finally:
        await asyncio.to_thread(stack.start_rasa)  # the client keeps answering pings meanwhile
    answer = await chat.replies(first_timeout=60)
    assert invoice in texts(answer)


async def test_unknown_language_is_asked_in_both_then_follows_the_debtor(
    stack: Stack, open_chat: ChatFactory
) -> None:
    chat, invoice, said = await open_chat("")
    assert "Bonjour" in texts(said) and "Hello" in texts(said)  # opening and open question
    reply = await chat.say("Hello, I never received this invoice, can you send it again?")
    assert "If I understood you correctly" in texts(reply) and "Si je" not in texts(reply)
    ((language,),) = stack.rows(
        "SELECT c.language FROM conversation c JOIN debt t ON t.id = c.debt_id"
        " WHERE t.invoice_number = :i",
        i=invoice,
    )
    assert language == "en"
