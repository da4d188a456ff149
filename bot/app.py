"""The composition root: the one place that builds settings, database, Rasa client,
channels and web app, with symmetric start and stop hooks. Nothing is built at import."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import socketio
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from bot.api.payments import payments_route
from bot.channels.email.sender import EmailSender
from bot.channels.email.unsubscribe import unsubscribe_routes, unsubscribe_signer
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.webhook import webhook_route
from bot.channels.web.routes import build_routes
from bot.channels.web.socket import WebChannel
from bot.console.live import ConsoleLive
from bot.console.routes import Console
from bot.db.session import make_engine, make_session_factory
from bot.domain.links import LinkSigner
from bot.gateway.pipeline import MessagePipeline
from bot.gateway.rasa_client import RasaClient
from bot.scheduler.runner import ReminderScheduler
from bot.services import handoff
from bot.settings import Settings, load_settings

log = logging.getLogger("ecoute")


@dataclass
class Ecoute:
    """Everything the gateway process runs, built by ``build`` and started by the ASGI lifespan."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    rasa: RasaClient
    pipeline: MessagePipeline
    web: WebChannel
    signer: LinkSigner
    console: Console
    unsubscribe: LinkSigner
    telegram: TelegramChannel | None = None
    scheduler: ReminderScheduler | None = None
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    async def start(self) -> None:
        if self.telegram is not None:
            await self.telegram.start()
        self._tasks.append(asyncio.create_task(self._replay_loop(), name="replay-pending"))
        if self.scheduler is not None:
            await self.scheduler.start()
        log.info(
            "gateway started on %s:%s (Rasa at %s)",
            self.settings.host,
            self.settings.port,
            self.settings.rasa_url,
        )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.telegram is not None:
            await self.telegram.stop()
        await self.rasa.aclose()
        self.engine.dispose()
        log.info("gateway stopped; database connections closed")

    async def _replay_loop(self) -> None:
        """Pick up messages that wait for Rasa (it was down, or the gateway restarted), and
        tell debtors honestly when no person has answered them in time."""
        while True:
            try:
                await self.pipeline.replay_pending()
                await self._tell_unanswered()
            except Exception:
                log.exception("replaying pending messages failed; will retry")
            await asyncio.sleep(self.settings.pending_retry_seconds)

    async def _tell_unanswered(self) -> None:
        def due() -> list[str]:
            with self.sessions.begin() as session:
                wait = timedelta(seconds=self.settings.agent_answer_seconds)
                return handoff.unanswered(session, wait)

        for conversation_id in await asyncio.to_thread(due):
            await self.pipeline.say(
                conversation_id,
                "no_agent_yet",
                buttons=(
                    ("button_callback", "/callback_request"),
                    ("button_email", "/email_follow_up"),
                ),
                hours={"fr": self.settings.office_hours_fr, "en": self.settings.office_hours_en},
            )


def build(settings: Settings | None = None, engine: Engine | None = None) -> Ecoute:
    settings = settings or load_settings()
    engine = engine or make_engine(settings.resolved_database_url)
    sessions = make_session_factory(engine)
    rasa = RasaClient(
        settings.rasa_url, settings.rasa_timeout_seconds, api_token=settings.rasa_token_value()
    )
    pipeline = MessagePipeline(sessions, rasa)
    signer = LinkSigner(settings.link_secret_value(), settings.link_ttl_hours * 3600)
    web = WebChannel(sessions, pipeline, signer)
    live = ConsoleLive(
        web.sio, sessions, pipeline, settings.session_secret_value(), settings.session_hours * 3600
    )
    console = Console(settings, sessions, pipeline, rasa, live)
    telegram = None
    if settings.telegram_token is not None:
        handlers = TelegramHandlers(settings, sessions, pipeline, signer)
        telegram = TelegramChannel(settings, sessions, pipeline, handlers)
    unsubscribe = unsubscribe_signer(settings.link_secret_value())
    scheduler = None
    if settings.scheduler_enabled:
        scheduler = ReminderScheduler(
            settings,
            engine,
            sessions,
            pipeline,
            EmailSender(settings),
            signer,
            unsubscribe,
            clock=settings.clock(),
        )
    return Ecoute(
        settings,
        engine,
        sessions,
        rasa,
        pipeline,
        web,
        signer,
        console,
        unsubscribe,
        telegram,
        scheduler,
    )


def asgi_app(ecoute: Ecoute) -> socketio.ASGIApp:
    """The ASGI application: socket.io at /socket.io, everything else to Starlette."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await ecoute.start()
        try:
            yield
        finally:
            await ecoute.stop()

    routes: list[BaseRoute] = [
        *build_routes(ecoute.settings, ecoute.sessions, ecoute.signer),
        ecoute.console.mount(),
        *unsubscribe_routes(ecoute.sessions, ecoute.unsubscribe),
        payments_route(ecoute.sessions, ecoute.settings.payments_secret_value()),
    ]
    if ecoute.telegram is not None and ecoute.settings.telegram_mode == "webhook":
        secret = ecoute.settings.telegram_webhook_secret_value()
        routes.append(webhook_route(ecoute.telegram, secret))
    web_app = Starlette(routes=routes, lifespan=lifespan)
    return socketio.ASGIApp(ecoute.web.sio, other_asgi_app=web_app, socketio_path="socket.io")


def create_app() -> socketio.ASGIApp:
    """Factory for ``uvicorn --factory bot.app:create_app``."""
    return asgi_app(build())
