"""The gateway's web routes through the real composition root (ASGI, no network)."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_creditor, make_debt
from sqlalchemy import Engine
from starlette.testclient import TestClient

from bot.app import Ecoute, asgi_app, build
from bot.db.session import make_session_factory
from bot.settings import load_settings


@pytest.fixture
def ecoute(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ecoute:
    monkeypatch.setenv("ECOUTE_LINK_SECRET", "route-test-secret-" + "x" * 20)
    monkeypatch.setenv("ECOUTE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("ECOUTE_DEMO_PAGE", "false")
    return build(load_settings(), engine=engine)


@pytest.fixture
def client(ecoute: Ecoute) -> TestClient:
    return TestClient(asgi_app(ecoute))


def test_widget_script_bundles_the_socket_client_and_the_widget(client: TestClient) -> None:
    with client:
        response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert "EcouteWidget" in response.text and "socket.io" in response.text


def test_a_forged_link_is_refused_without_any_detail(client: TestClient) -> None:
    with client:
        response = client.get("/", params={"t": "forged.token.value"})
    assert response.status_code == 403
    assert "plus valable" in response.text and "no longer valid" in response.text
    assert "data-token" not in response.text


def test_a_valid_link_embeds_the_widget_and_the_page_lists_no_debtor_outside_demo(
    client: TestClient, ecoute: Ecoute, engine: Engine
) -> None:
    with make_session_factory(engine).begin() as session:
        debt = make_debt(session, make_creditor(session))
        debt_id, invoice = debt.id, debt.invoice_number
    token = ecoute.signer.sign(debt_id)
    with client:
        page = client.get("/", params={"t": token})
        home = client.get("/")
    assert page.status_code == 200 and 'src="/widget.js"' in page.text
    assert invoice not in page.text  # the page itself says nothing about the debt
    assert "?t=" not in home.text  # no demo links unless ECOUTE_DEMO_PAGE is on
    assert client.get("/health").json() == {"status": "ok"}
