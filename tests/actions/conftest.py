"""Actions run through rasa-sdk's own executor, against a real database chosen per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rasa_sdk.executor import ActionExecutor
from sqlalchemy import Engine

import actions.runtime


@pytest.fixture
def executor(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[ActionExecutor]:
    """An executor whose actions write to this test's database (SQLite file or PG schema)."""
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("ECOUTE_DATABASE_URL", url.replace("postgresql+psycopg", "postgresql"))
    monkeypatch.setenv("ECOUTE_FROZEN_TODAY", "2025-01-10")
    actions.runtime.reset()
    if engine.dialect.name == "postgresql":
        schema = engine.dialect.default_schema_name
        monkeypatch.setattr(actions.runtime, "make_engine", _pg_engine_factory(schema))
    executor = ActionExecutor()
    executor.register_package("actions")
    yield executor
    actions.runtime.reset()


def _pg_engine_factory(schema: str | None) -> Callable[..., Engine]:
    from bot.db.session import make_engine

    def factory(url: str, **kwargs: Any) -> Engine:
        return make_engine(url, connect_args={"options": f"-csearch_path={schema}"}, **kwargs)

    return factory
