"""What each kind of Telegram update means for Ecoute (thin: the pipeline does the work).

- ``/start <signed token>`` binds the chat to the debtor of the link and opens the
  conversation; a chat that is not bound gets a short explanation and no debt detail.
- Text goes through the pipeline (stored, Rasa or the agent, replies delivered) while the
  chat shows "typing"; a button click is answered and sent as the button's payload.
- ``/stop`` opts out (the same path as typing STOP) and unbinds; ``/unlink`` only unbinds.
- Edited messages, photos, voice notes and stickers get a reply saying what the bot reads;
  documents (e.g. a proof of payment) are stored and attached for an agent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.db.models import Debt, Message
from bot.domain.language import as_language
from bot.domain.links import InvalidLink, LinkSigner
from bot.domain.texts import Language, render
from bot.gateway.pipeline import MessagePipeline, Posted, posted
from bot.services import conversations as convs
from bot.services import telegram as store
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

log = logging.getLogger(__name__)

CHANNEL = store.CHANNEL
OPENING_TRIGGER = "/greet"
Context = ContextTypes.DEFAULT_TYPE


def platform_id(update: Update) -> str:
    """Unique per update: the pipeline's de-duplication key on this channel."""
    return f"u{update.update_id}"


def user_language(update: Update) -> Language | None:
    code = (update.effective_user.language_code or "") if update.effective_user else ""
    return as_language(code[:2]) if code[:2] in ("fr", "en") else None


class TelegramHandlers:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        pipeline: MessagePipeline,
        signer: LinkSigner,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._pipeline = pipeline
        self._signer = signer
        self._channel: TelegramChannel | None = None

    def install(
        self, app: Application[Any, Any, Any, Any, Any, Any], channel: TelegramChannel
    ) -> None:
        self._channel = channel
        message = filters.UpdateType.MESSAGE
        app.add_handlers(
            [
                CommandHandler("start", self.start, filters=message),
                CommandHandler("stop", self.stop, filters=message),
                CommandHandler("unlink", self.unlink, filters=message),
                CallbackQueryHandler(self.button),
                MessageHandler(filters.UpdateType.EDITED, self.edited),
                MessageHandler(message & filters.Document.ALL, self.document),
                MessageHandler(message & filters.TEXT, self.text),
                MessageHandler(message, self.unreadable),
            ]
        )

    @property
    def channel(self) -> TelegramChannel:
        assert self._channel is not None, "install() first"
        return self._channel

    # --- commands ---------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        token = context.args[0] if context.args else None
        if token is None:
            bound = await self._conversation(chat_id)
            if bound is None:
                await self._explain_unbound(update)
                return
            await self._submit(update, bound.conversation_id, OPENING_TRIGGER, author="system")
            return
        try:
            claims = self._signer.verify(token)
        except InvalidLink as exc:
            log.info("Telegram link refused: %s", exc)
            await self.channel.notify(
                chat_id, render("telegram_link_invalid", user_language(update))
            )
            return
        bound = await asyncio.to_thread(self._bind, chat_id, claims.debt_id, user_language(update))
        if bound is None:
            await self.channel.notify(
                chat_id, render("telegram_link_invalid", user_language(update))
            )
            return
        opening = convs.InboundMessage(
            bound.conversation_id,
            CHANNEL,
            OPENING_TRIGGER,
            f"{bound.conversation_id}:opening",
            "system",
        )
        async with self.channel.typing(chat_id):
            if not await self._pipeline.submit(opening):  # linked before: catch up instead
                await self._pipeline.deliver_pending(bound.conversation_id)
                await self._pipeline.process(bound.conversation_id)

    async def stop(self, update: Update, context: Context) -> None:
        """STOP by command: the opt-out flow answers in the conversation, then the chat unbinds."""
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        bound = await self._conversation(chat_id)
        if bound is None:
            await self._explain_unbound(update)
            return
        await self._submit(update, bound.conversation_id, "STOP")
        await asyncio.to_thread(self._unbind, chat_id)

    async def unlink(self, update: Update, context: Context) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        bound = await self._conversation(chat_id)
        if bound is None:
            await self._explain_unbound(update)
            return
        await self._pipeline.say(bound.conversation_id, "telegram_unlinked")
        await asyncio.to_thread(self._unbind, chat_id)

    # --- messages ---------------------------------------------------------------------------

    async def text(self, update: Update, context: Context) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        bound = await self._conversation(chat_id)
        if bound is None:
            await self._explain_unbound(update)
            return
        text = (update.message.text or "").strip() if update.message else ""
        # A typed "/something" is words, never an intent: only buttons carry payloads.
        text = text.lstrip("/").strip() or text
        if len(text) > convs.MAX_TEXT_LENGTH:
            await self._pipeline.say(bound.conversation_id, "message_too_long")
            return
        await self._submit(update, bound.conversation_id, text)

    async def button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        chat_id = update.effective_chat.id if update.effective_chat else None
        bound = await self._conversation(chat_id) if chat_id is not None else None
        payload = None
        if bound is not None:
            payload = await asyncio.to_thread(self._button_payload, query.data or "")
        if bound is None or payload is None:
            with contextlib.suppress(TelegramError):
                await query.answer(render("choice_expired", user_language(update)))
            return
        # Cosmetic calls: if Telegram refuses them (query too old…), the click still counts.
        with contextlib.suppress(TelegramError):
            await query.answer()
        if query.message is not None:  # one click per keyboard: remove it
            with contextlib.suppress(TelegramError):
                await query.edit_message_reply_markup(reply_markup=None)
        await self._submit(update, bound.conversation_id, payload)

    async def edited(self, update: Update, context: Context) -> None:
        await self._notice(update, "edited_unsupported")

    async def unreadable(self, update: Update, context: Context) -> None:
        await self._notice(update, "media_unsupported")

    async def document(self, update: Update, context: Context) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        bound = await self._conversation(chat_id)
        if bound is None:
            await self._explain_unbound(update)  # nothing is kept from an unknown chat
            return
        assert update.message is not None and update.message.document is not None
        document = update.message.document
        limit = self._settings.attachment_max_bytes
        if document.file_size is not None and document.file_size > limit:
            await self._pipeline.say(
                bound.conversation_id, "document_too_large", limit=limit // (1024 * 1024)
            )
            return
        file = await document.get_file()
        content = bytes(await file.download_as_bytearray())
        if len(content) > limit:
            await self._pipeline.say(
                bound.conversation_id, "document_too_large", limit=limit // (1024 * 1024)
            )
            return
        name = document.file_name or "document"
        stored = await asyncio.to_thread(
            self._store_document,
            bound.conversation_id,
            platform_id(update),
            name,
            document.mime_type or "application/octet-stream",
            content,
        )
        if stored is not None:
            await self._pipeline.announce([stored])  # the agent's screen shows it at once
            await self._pipeline.say(bound.conversation_id, "document_received", filename=name)

    # --- helpers ----------------------------------------------------------------------------

    async def _submit(
        self, update: Update, conversation_id: str, text: str, author: str = "debtor"
    ) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        inbound = convs.InboundMessage(conversation_id, CHANNEL, text, platform_id(update), author)
        async with self.channel.typing(chat_id):
            await self._pipeline.submit(inbound)

    async def _notice(self, update: Update, key: str) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        bound = await self._conversation(chat_id)
        if bound is None:
            await self._explain_unbound(update)
        else:
            await self._pipeline.say(bound.conversation_id, key)

    async def _explain_unbound(self, update: Update) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        await self.channel.notify(chat_id, render("telegram_unbound", user_language(update)))

    async def _conversation(self, chat_id: int) -> store.ChatConversation | None:
        return await asyncio.to_thread(self._chat_conversation, chat_id)

    def _chat_conversation(self, chat_id: int) -> store.ChatConversation | None:
        with self._sessions.begin() as session:
            return store.chat_conversation(session, chat_id)

    def _bind(
        self, chat_id: int, debt_id: int, language: Language | None
    ) -> store.ChatConversation | None:
        with self._sessions.begin() as session:
            debt = session.get(Debt, debt_id)
            if debt is None:
                return None
            return store.bind_chat(session, chat_id, debt, language)

    def _unbind(self, chat_id: int) -> None:
        with self._sessions.begin() as session:
            store.unbind_chat(session, chat_id)

    def _button_payload(self, data: str) -> str | None:
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != "b" or not parts[1].isdigit() or not parts[2].isdigit():
            return None
        with self._sessions.begin() as session:
            buttons = store.message_buttons(session, int(parts[1]))
        index = int(parts[2])
        return buttons[index][1] if index < len(buttons) else None

    def _store_document(
        self, conversation_id: str, pid: str, name: str, mime: str, content: bytes
    ) -> Posted | None:
        directory = self._settings.var_dir / "attachments"
        with self._sessions.begin() as session:
            stored = store.store_document(
                session, directory, conversation_id, pid, name, mime, content
            )
            if stored is None:
                return None
            message = session.get(Message, stored.message_id)
            assert message is not None
            return posted(message)
