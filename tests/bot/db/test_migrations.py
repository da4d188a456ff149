"""Alembic migrations and the ORM models describe the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from bot.db.models import Base


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                # APScheduler's job store: created by the migration, owned by APScheduler.
                "include_name": lambda name, kind, _: (
                    not (kind == "table" and name == "apscheduler_jobs")
                ),
            },
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
