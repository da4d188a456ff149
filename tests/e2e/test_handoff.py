"""Waiting for a person: nobody answers in time, the debtor is told and offered a follow-up."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from stack import Chat, Stack, add_debtor, buttons, texts

pytestmark = pytest.mark.e2e


async def test_nobody_answers_in_time_the_debtor_is_told_and_chooses_a_callback(
    stack: Stack,
) -> None:
    stack.stop("gateway")
    stack.start_gateway(ECOUTE_AGENT_ANSWER_SECONDS="2")
    try:
        invoice, token = add_debtor(stack, language="fr")
        chat = Chat(stack.gateway_url, token)
        await chat.connect()
        assert invoice in texts(await chat.say("75011"))
        assert "Je transmets notre échange" in texts(await chat.say("HUMAIN"))

        told = await chat.replies(first_timeout=15)
        assert "personne de l'équipe n'a encore pu vous répondre" in texts(told)
        assert "du lundi au vendredi" in texts(told)  # office hours, in the debtor's language
        assert {"/callback_request", "/email_follow_up"} <= set(buttons(told))

        chosen = await chat.say("/callback_request")
        assert "vous rappellera" in texts(chosen)
        await chat.close()
        engine = sa.create_engine(stack.env["ECOUTE_DATABASE_URL"])
        with engine.connect() as conn:
            kinds = conn.execute(
                sa.text(
                    "SELECT k.kind FROM ticket k JOIN debt d ON d.id = k.debt_id "
                    "WHERE d.invoice_number = :i"
                ),
                {"i": invoice},
            ).all()
        engine.dispose()
        assert ("callback_request",) in kinds
    finally:
        stack.stop("gateway")
        stack.start_gateway(ECOUTE_AGENT_ANSWER_SECONDS="900")
