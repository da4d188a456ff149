"""Telegram channel: python-telegram-bot's ``Application`` and handlers around our pipeline.

Updates arrive by webhook (a gateway route) or long polling (development); either way each
one is written to the inbox table before a handler sees it, and only then acknowledged
(webhook: HTTP 200; polling: the next ``getUpdates`` offset). A pending update is processed
again after a crash, and a re-delivered ``update_id`` changes nothing. Updates of one chat are
handled one at a time, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, MessageLimit
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.channels.telegram.handlers import TelegramHandlers
from bot.gateway.pipeline import MessagePipeline, Outgoing
from bot.services import telegram as store
from bot.settings import Settings

log = logging.getLogger(__name__)

CHANNEL = store.CHANNEL
WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
TYPING_REFRESH_SECONDS = 4.0  # Telegram shows "typing" for about 5 s per call


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a long reply at Telegram's limit, preferring paragraph, line, then word breaks."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut <= limit // 2:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    chunks.append(rest)
    return chunks


def inline_keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    """Rasa buttons as an inline keyboard; callback data names the stored button.

    Telegram caps callback data at 64 bytes, too short for some Rasa payloads, so the click
    carries ``b:<message id>:<index>`` and the payload is read back from the database.
    """
    if not message.buttons:
        return None
    rows = [
        [InlineKeyboardButton(title, callback_data=f"b:{message.message_id}:{index}")]
        for index, (title, _) in enumerate(message.buttons)
    ]
    return InlineKeyboardMarkup(rows)


class TelegramChannel:
    """Receives, stores and dispatches updates; delivers stored replies to bound chats."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        pipeline: MessagePipeline,
        handlers: TelegramHandlers,
    ) -> None:
        assert settings.telegram_token is not None
        self._settings = settings
        self._sessions = sessions
        self._pipeline = pipeline
        root = settings.telegram_api_base_url
        self.app: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(settings.telegram_token.get_secret_value())
            .base_url(f"{root}/bot")
            .base_file_url(f"{root}/file/bot")
            .updater(None)  # we fetch or receive updates ourselves, to store them first
            .rate_limiter(AIORateLimiter(max_retries=3))  # waits retry_after on HTTP 429
            .build()
        )
        handlers.install(self.app, self)
        self.app.add_error_handler(self._on_handler_error)
        self._errors: dict[int, str] = {}
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self.username = settings.telegram_bot_username
        pipeline.register_channel(CHANNEL, self.deliver)

    @property
    def bot(self) -> Bot:
        bot: Bot = self.app.bot
        return bot

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect in the background: Telegram being unreachable must not stop the gateway
        (the web widget and the console keep working); we retry until it answers."""
        self._spawn(self._connect(), "telegram-connect")

    async def _connect(self) -> None:
        backoff = 1.0
        while True:
            try:
                await self.app.initialize()  # getMe: checks the token and the server
                await self._register()
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("Telegram not reachable (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
        self._spawn(self._replay_loop(), "telegram-replay")

    async def _register(self) -> None:
        self.username = self.username or (self.bot.username or "")
        if self._settings.telegram_mode == "webhook":
            url = f"{self._settings.public_url}{WEBHOOK_PATH}"
            await self.bot.set_webhook(
                url,
                secret_token=self._settings.telegram_webhook_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("Telegram webhook registered for @%s", self.username)
        else:
            await self.bot.delete_webhook()
            self._spawn(self._poll(), "telegram-poll")
            log.info("Telegram long polling started for @%s", self.username)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.app.shutdown()  # a no-op if Telegram was never reached

    def deep_link(self, token: str) -> str:
        return f"https://t.me/{self.username}?start={token}"

    # --- inbound ----------------------------------------------------------------------------

    async def receive(self, payload: dict[str, Any]) -> bool:
        """Store the update (raises if the database cannot), then handle it in the background.

        Returns False for a re-delivered update, which is acknowledged and ignored.
        """
        stored = await asyncio.to_thread(self._store, payload)
        if stored:
            self._spawn(self.handle(payload), f"telegram-update-{payload['update_id']}")
        return stored

    async def handle(self, payload: dict[str, Any]) -> None:
        """Run the handlers on one stored update and record the outcome in the inbox."""
        update_id = int(payload["update_id"])
        if update_id in self._in_flight:
            return
        self._in_flight.add(update_id)
        try:
            update = Update.de_json(payload, self.bot)
            chat = update.effective_chat
            lock = self._chat_locks.setdefault(chat.id if chat else 0, asyncio.Lock())
            async with lock:
                self._errors.pop(update_id, None)
                await self.app.process_update(update)
                error = self._errors.pop(update_id, None)
                await asyncio.to_thread(self._finish, update_id, error)
        except Exception:
            log.exception("Telegram update %s could not be handled; it stays pending", update_id)
        finally:
            self._in_flight.discard(update_id)

    async def _on_handler_error(self, update: object, context: Any) -> None:
        """Handlers' exceptions land here (PTB catches them): keep the update pending."""
        error = context.error
        if isinstance(update, Update):
            self._errors[update.update_id] = f"{type(error).__name__}: {error}"[:300]
            log.error(
                "handler failed on Telegram update %s: %s",
                update.update_id,
                type(error).__name__,
                exc_info=error,
            )

    async def _poll(self) -> None:
        """Long polling; an update is confirmed (next offset) only once it is stored."""
        offset: int | None = None
        backoff = 1.0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset,
                    timeout=self._settings.telegram_poll_timeout_seconds,
                    allowed_updates=ALLOWED_UPDATES,
                )
                for update in updates:
                    await self.receive(update.to_dict())
                    offset = update.update_id + 1
                backoff = 1.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # network, Bot API or database: wait and ask again
                log.warning("Telegram polling paused %.0f s: %s", backoff, type(exc).__name__)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)

    async def _replay_loop(self) -> None:
        """Handle updates left pending by a crash or a failed attempt."""
        while True:
            try:
                for payload in await asyncio.to_thread(self._pending):
                    await self.handle(payload)
            except Exception:
                log.exception("replaying Telegram updates failed; will retry")
            await asyncio.sleep(self._settings.pending_retry_seconds)

    # --- outbound ---------------------------------------------------------------------------

    async def deliver(self, messages: list[Outgoing]) -> bool:
        chat_id = await asyncio.to_thread(self._chat_of, messages[0].conversation_id)
        if chat_id is None:
            return False  # unbound since: the message stays stored, undelivered
        for message in messages:
            # Written by a person: say so, with their name (the bot never signs as one).
            text = f"👤 {message.agent}\n{message.text}" if message.agent else message.text
            chunks = split_text(text)
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                await self.bot.send_message(
                    chat_id, chunk, reply_markup=inline_keyboard(message) if last else None
                )
        return True

    async def notify(self, chat_id: int, text: str) -> None:
        """A reply to a chat that is not bound to any conversation (nothing to store)."""
        await self.bot.send_message(chat_id, text)

    @contextlib.asynccontextmanager
    async def typing(self, chat_id: int) -> AsyncIterator[None]:
        """Show "typing…" in the chat for as long as the block runs."""

        async def keep_typing() -> None:
            while True:
                with contextlib.suppress(TelegramError):
                    await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
                await asyncio.sleep(TYPING_REFRESH_SECONDS)

        task = asyncio.create_task(keep_typing())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- helpers ----------------------------------------------------------------------------

    def _spawn(self, coroutine: Any, name: str) -> None:
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _store(self, payload: dict[str, Any]) -> bool:
        with self._sessions.begin() as session:
            return store.store_update(session, payload)

    def _finish(self, update_id: int, error: str | None) -> None:
        with self._sessions.begin() as session:
            store.finish_update(session, update_id, error)

    def _pending(self) -> list[dict[str, Any]]:
        with self._sessions.begin() as session:
            return store.pending_updates(session)

    def _chat_of(self, conversation_id: str) -> int | None:
        with self._sessions.begin() as session:
            return store.chat_of_conversation(session, conversation_id)
