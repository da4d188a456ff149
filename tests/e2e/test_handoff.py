"""Waiting for a person: nobody answers in time, the debtor is told and offered a follow-up."""

from __future__ import annotations

import pytest
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
        kinds = stack.rows(
            "SELECT k.kind FROM ticket k JOIN debt d ON d.id = k.debt_id "
            "WHERE d.invoice_number = :i",
            i=invoice,
        )
        assert ("callback_request",) in kinds
    finally:
        stack.stop("gateway")
        stack.start_gateway(ECOUTE_AGENT_ANSWER_SECONDS="900")


async def test_the_live_console_feed_needs_a_user_and_respects_creditors(stack: Stack) -> None:
    import json
    import re

    import httpx
    import socketio

    # Another creditor, with one conversation of its own.
    other = stack.workdir / "other-creditor.json"
    other.write_text(json.dumps({"slug": "autre", "name": "Autre SARL"}), encoding="utf-8")
    stack.cli("add-creditor", str(other))
    theirs, their_token = add_debtor(stack, language="fr", creditor="autre")
    mine, my_token = add_debtor(stack, language="fr")
    for token in (their_token, my_token):
        chat = Chat(stack.gateway_url, token)
        await chat.connect()
        await chat.close()
    ids = dict(
        stack.rows(
            "SELECT d.invoice_number, c.id FROM conversation c JOIN debt d "
            "ON d.id = c.debt_id WHERE d.invoice_number IN (:a, :b)",
            a=theirs,
            b=mine,
        )
    )

    anonymous = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await anonymous.connect(
            stack.gateway_url, namespaces=["/console"], transports=["websocket"]
        )

    email, _, password = stack.agent()  # an agent of lumen only
    async with httpx.AsyncClient(base_url=stack.gateway_url, follow_redirects=True) as web:
        csrf = re.search(r'name="csrf" value="([^"]+)"', (await web.get("/console/login")).text)
        assert csrf is not None
        queue = await web.post(
            "/console/login", data={"csrf": csrf.group(1), "email": email, "password": password}
        )
        live = re.search(r'data-live-token="([^"]+)"', queue.text)
        assert live is not None
    console = socketio.AsyncClient(reconnection=False)
    await console.connect(
        stack.gateway_url,
        namespaces=["/console"],
        auth={"token": live.group(1)},
        transports=["websocket"],
    )
    assert (await console.call("watch", {"conversation_id": ids[mine]}, namespace="/console"))["ok"]
    refused = await console.call("watch", {"conversation_id": ids[theirs]}, namespace="/console")
    assert refused == {"ok": False}
    await console.disconnect()
