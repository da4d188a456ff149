"""Shared fixtures: a real database per test (SQLite file or a PostgreSQL schema), factories."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fake_telegram import FakeTelegram
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from stack import TELEGRAM_TOKEN, Stack, running_stack

from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_session_factory

POSTGRES_URL = os.environ.get(
    "ECOUTE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_available() -> bool:
    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database: a fresh SQLite file, or a fresh schema in the local PostgreSQL."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    if not _postgres_available():
        pytest.fail(f"PostgreSQL is required for the storage tests ({POSTGRES_URL})")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    eng = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(eng)
    yield eng
    eng.dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as s:
        yield s
        s.rollback()


@pytest.fixture(scope="session")
def telegram() -> Iterator[FakeTelegram]:
    """The fake Bot API server the stack's gateway talks to (Telegram is unreachable here)."""
    fake = FakeTelegram(TELEGRAM_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, telegram: FakeTelegram) -> Iterator[Stack]:
    """One real stack (action server, Rasa, gateway with web and Telegram channels) for every
    end-to-end and browser test."""
    with running_stack(tmp_path_factory.mktemp("stack"), telegram_api=telegram.base_url) as running:
        yield running
