"""Alembic environment: the URL comes from Ecoute's settings, or a connection handed in by code."""

from __future__ import annotations

from alembic import context

from bot.db.models import Base
from bot.db.session import make_engine
from bot.settings import load_settings

config = context.config
target_metadata = Base.metadata


def not_apscheduler(name: str | None, kind: str, _: object) -> bool:
    """APScheduler's job table is created by migration 0004 but not described by our
    models: autogenerate must not propose to drop it."""
    return not (kind == "table" and name == "apscheduler_jobs")


def run_migrations_offline() -> None:
    context.configure(
        url=load_settings().resolved_database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=not_apscheduler,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(load_settings().resolved_database_url)
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=not_apscheduler,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
