"""The Telegram webhook through the composition root: the secret header, and no update is
acknowledged before it is stored (Telegram re-delivers what was not answered 200)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fake_telegram import FakeTelegram
from sqlalchemy import Engine
from starlette.testclient import TestClient

from bot.app import Ecoute, asgi_app, build
from bot.settings import load_settings

TOKEN = "999:WEBHOOK-TEST"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def ecoute(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeTelegram
) -> Ecoute:
    monkeypatch.setenv("ECOUTE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("ECOUTE_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ECOUTE_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("ECOUTE_TELEGRAM_API_BASE_URL", fake.base_url)
    monkeypatch.setenv("ECOUTE_TELEGRAM_MODE", "webhook")
    monkeypatch.setenv("ECOUTE_TELEGRAM_WEBHOOK_SECRET", "s" * 40)
    monkeypatch.setenv("ECOUTE_PUBLIC_URL", "https://ecoute.example")
    return build(load_settings(), engine=engine)


def update(update_id: int, chat_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "D", "language_code": "en"},
            "text": "hello, how much do I owe?",
        },
    }


def eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_start_registers_the_webhook_with_its_secret(ecoute: Ecoute, fake: FakeTelegram) -> None:
    with TestClient(asgi_app(ecoute)):
        assert eventually(lambda: fake.webhook is not None)
        assert fake.webhook is not None
        assert fake.webhook["url"] == "https://ecoute.example/telegram/webhook"
        assert fake.webhook["secret_token"] == "s" * 40


def test_an_update_is_acknowledged_only_once_stored(
    ecoute: Ecoute, fake: FakeTelegram, engine: Engine
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s" * 40}
    with TestClient(asgi_app(ecoute)) as client:
        assert client.post("/telegram/webhook", content=b"{", headers=headers).status_code == 400
        with engine.begin() as conn:  # the database "goes away" for this table
            conn.execute(sa.text("ALTER TABLE telegram_update RENAME TO telegram_update_away"))
        refused = client.post("/telegram/webhook", json=update(5001, 321), headers=headers)
        assert refused.status_code == 503  # Telegram will deliver it again
        with engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE telegram_update_away RENAME TO telegram_update"))
        again = client.post("/telegram/webhook", json=update(5001, 321), headers=headers)
        assert again.status_code == 200
        replies = fake.wait_for(321, 0)
        duplicate = client.post("/telegram/webhook", json=update(5001, 321), headers=headers)
        assert duplicate.status_code == 200
        fake.wait_for(321, 0, quiet=1.0)
    assert len(fake.messages_to(321)) == len(replies) == 1  # answered once
    assert "personal Telegram link" in replies[0].text  # an unbound chat learns nothing


def test_the_gateway_serves_while_telegram_is_unreachable(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECOUTE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("ECOUTE_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("ECOUTE_TELEGRAM_API_BASE_URL", "http://127.0.0.1:9")  # nothing listens
    with TestClient(asgi_app(build(load_settings(), engine=engine))) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/widget.js").status_code == 200
