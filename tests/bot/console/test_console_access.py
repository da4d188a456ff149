"""The agent console through the real composition root: sessions, CSRF, creditor walls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from factories import PASSWORD, make_creditor, make_debt, make_escalated, make_user
from sqlalchemy import Engine
from starlette.testclient import TestClient

from bot.app import Ecoute, asgi_app, build
from bot.db.session import make_session_factory
from bot.services import telegram as tg_store
from bot.settings import load_settings


@pytest.fixture
def ecoute(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ecoute:
    monkeypatch.setenv("ECOUTE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("ECOUTE_DEMO_PAGE", "false")
    monkeypatch.setenv("ECOUTE_RASA_URL", "http://127.0.0.1:9")  # no Rasa: nothing here needs it
    return build(load_settings(), engine=engine)


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> dict[str, object]:
    """Creditor A with an agent and a waiting conversation; creditor B with the same."""
    with make_session_factory(engine).begin() as session:
        a, b = make_creditor(session), make_creditor(session)
        conv_a = make_escalated(session, make_debt(session, a))
        conv_b = make_escalated(session, make_debt(session, b))
        tg_store.bind_chat(session, 99, conv_b.debt)
        attachment = tg_store.store_document(
            session, tmp_path / "attachments", conv_b.id, "u1", "b.pdf", "application/pdf", b"%PDF"
        )
        assert attachment is not None
        session.flush()
        agent_a = make_user(session, a)
        return {
            "a": conv_a.id,
            "b": conv_b.id,
            "b_invoice": conv_b.debt.invoice_number,
            "b_attachment": attachment.id,
            "email": agent_a.email,
        }


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    token = csrf_of(client.get("/console/login").text)
    response = client.post(
        "/console/login",
        data={"csrf": token, "email": email, "password": password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/console/").text)


PAGES = ["/console/", "/console/queue", "/console/c/{a}", "/console/attachments/{att}"]
ACTIONS = ["claim", "reply", "note", "handback", "close"]


def test_no_console_page_answers_without_a_session(
    ecoute: Ecoute, world: dict[str, object]
) -> None:
    with TestClient(asgi_app(ecoute)) as client:
        for page in PAGES:
            url = page.format(a=world["a"], att=world["b_attachment"])
            response = client.get(url, follow_redirects=False)
            assert response.status_code == 303, url
            assert response.headers["location"] == "/console/login"
        for action in ACTIONS:
            response = client.post(f"/console/c/{world['a']}/{action}", data={"text": "x"})
            assert response.status_code == 401, action
            assert str(world["b_invoice"]) not in response.text


def test_wrong_password_and_forged_forms_are_refused(
    ecoute: Ecoute, world: dict[str, object]
) -> None:
    with TestClient(asgi_app(ecoute)) as client:
        token = csrf_of(client.get("/console/login").text)
        wrong = client.post(
            "/console/login",
            data={"csrf": token, "email": world["email"], "password": "guess-guess-guess"},
        )
        assert wrong.status_code == 401 and "Wrong e-mail or password" in wrong.text
        no_csrf = client.post(
            "/console/login", data={"email": world["email"], "password": PASSWORD}
        )
        assert no_csrf.status_code == 403
        login(client, str(world["email"]))
        forged = client.post(f"/console/c/{world['a']}/note", data={"csrf": "x", "text": "hi"})
        assert forged.status_code == 403


def test_an_agent_of_creditor_a_gets_404_for_everything_of_creditor_b(
    ecoute: Ecoute, world: dict[str, object]
) -> None:
    with TestClient(asgi_app(ecoute)) as client:
        csrf = login(client, str(world["email"]))
        queue = client.get("/console/").text
        assert str(world["a"]) in queue and str(world["b"]) not in queue
        assert client.get(f"/console/c/{world['a']}").status_code == 200
        assert client.get(f"/console/c/{world['b']}").status_code == 404
        assert client.get(f"/console/attachments/{world['b_attachment']}").status_code == 404
        for action in ACTIONS:
            response = client.post(
                f"/console/c/{world['b']}/{action}",
                data={"csrf": csrf, "text": "hello", "outcome": "other"},
            )
            assert response.status_code == 404, action
            assert str(world["b_invoice"]) not in response.text


def test_claim_reply_note_and_logout_in_the_console(
    ecoute: Ecoute, world: dict[str, object]
) -> None:
    with TestClient(asgi_app(ecoute)) as client:
        csrf = login(client, str(world["email"]))
        cid = world["a"]
        client.post(f"/console/c/{cid}/claim", data={"csrf": csrf})
        client.post(f"/console/c/{cid}/reply", data={"csrf": csrf, "text": "Bonjour, Camille ici."})
        client.post(f"/console/c/{cid}/note", data={"csrf": csrf, "text": "Rappel jeudi"})
        page = client.get(f"/console/c/{cid}").text
        assert "Bonjour, Camille ici." in page and "Rappel jeudi" in page
        assert page.count('action="/console/c/' + str(cid) + '/reply"') == 1
        assert client.get(f"/console/c/{cid}").headers["x-frame-options"] == "DENY"
        client.post("/console/logout", data={"csrf": csrf})
        assert client.get("/console/", follow_redirects=False).status_code == 303
