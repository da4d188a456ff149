"""Web channel: the Rasa socket.io protocol, spoken by our gateway.

Events as in Rasa's own channel (so rasa-webchat and similar widgets connect unchanged):
``session_request`` → ``session_confirm``; ``user_uttered`` → ``bot_uttered``. We serve it
ourselves because Rasa 3.6's channel never delivers with session persistence on the
python-socketio it installs (shared/notes). The signed link token arrives in the connect
``auth``, the ``token`` query parameter, or ``customData.token``; without a valid one the
debtor gets a polite explanation and nothing about any debt.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import socketio
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Debt
from bot.domain.language import as_language
from bot.domain.links import InvalidLink, LinkSigner
from bot.domain.texts import render
from bot.gateway.pipeline import MessagePipeline, Outgoing
from bot.services import conversations as convs

log = logging.getLogger(__name__)

CHANNEL = "web"
OPENING_TRIGGER = "/greet"


def bot_uttered(message: Outgoing) -> dict[str, Any]:
    """Rasa's socket.io output shape: buttons travel as quick replies."""
    payload: dict[str, Any] = {
        "text": message.text,
        "metadata": {"author": message.author, "message_id": str(message.message_id)},
    }
    if message.agent:
        payload["metadata"]["agent"] = message.agent
    if message.buttons:
        payload["quick_replies"] = [
            {"content_type": "text", "title": title, "payload": value}
            for title, value in message.buttons
        ]
    return payload


class WebChannel:
    """Binds socket.io sessions to conversations and delivers stored replies to their rooms."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        pipeline: MessagePipeline,
        signer: LinkSigner,
        cors_origins: list[str] | str = "*",
    ) -> None:
        self._sessions = sessions
        self._pipeline = pipeline
        self._signer = signer
        self.sio = socketio.AsyncServer(
            async_mode="asgi",
            cors_allowed_origins=cors_origins,
            logger=False,
            engineio_logger=False,
        )
        self._register()
        pipeline.register_channel(CHANNEL, self.deliver)

    # --- delivery -------------------------------------------------------------------------

    async def deliver(self, messages: list[Outgoing]) -> bool:
        room = messages[0].conversation_id
        if not self._has_participants(room):
            return False  # stays pending; sent when the debtor reconnects
        for message in messages:
            await self.sio.emit("bot_uttered", bot_uttered(message), room=room)
        return True

    def _has_participants(self, room: str) -> bool:
        return any(True for _ in self.sio.manager.get_participants("/", room))

    # --- events ---------------------------------------------------------------------------

    def _register(self) -> None:
        on: Callable[..., Any] = self.sio.on

        @on("connect")
        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
            token = None
            if isinstance(auth, dict):
                token = auth.get("token")
            if not token:
                query = parse_qs(environ.get("QUERY_STRING", ""))
                token = (query.get("token") or [None])[0]
            await self.sio.save_session(sid, {"token": token, "conversation_id": None})

        @on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or not session_id:
                session_id = uuid.uuid4().hex
            state = await self.sio.get_session(sid)
            # Bind first: messages the widget queued are sent as soon as it reads the confirm.
            conversation_id = await self._bind(sid, state["token"]) if state.get("token") else None
            await self.sio.emit("session_confirm", session_id, room=sid)
            if conversation_id is not None:
                await self._start(conversation_id)

        @on("user_uttered")
        async def user_uttered(sid: str, data: Any = None) -> None:
            await self._on_user_uttered(sid, data)

    async def _bind(self, sid: str, token: str) -> str | None:
        """Attach this socket to the conversation of the link; open it with the greeting."""
        try:
            claims = self._signer.verify(token)
        except InvalidLink as exc:
            log.info("web session refused: %s", exc)
            await self._notice(sid, "link_required")
            return None
        conversation_id = await asyncio.to_thread(self._open, claims.debt_id)
        if conversation_id is None:
            await self._notice(sid, "link_required")
            return None
        state = await self.sio.get_session(sid)
        state.update(token=token, conversation_id=conversation_id)
        await self.sio.save_session(sid, state)
        await self.sio.enter_room(sid, conversation_id)
        return conversation_id

    async def _start(self, conversation_id: str) -> None:
        """Show what waited (replies missed, a follow-up the scheduler left here), then open
        a new conversation with the greeting, or carry on an old one."""
        await self._pipeline.deliver_pending(conversation_id)
        stored = await self._pipeline.submit(
            convs.InboundMessage(
                conversation_id, CHANNEL, OPENING_TRIGGER, f"{conversation_id}:opening", "system"
            )
        )
        if not stored:
            await self._pipeline.process(conversation_id)

    def _open(self, debt_id: int) -> str | None:
        with self._sessions.begin() as session:
            debt = session.get(Debt, debt_id)
            if debt is None:
                return None
            conversation, _ = convs.open_conversation(session, debt, CHANNEL, debt.debtor.language)
            return conversation.id

    async def _on_user_uttered(self, sid: str, data: Any) -> None:
        if not isinstance(data, dict):
            await self._notice(sid, "empty_message")
            return
        text = data.get("message")
        raw_custom = data.get("customData")
        custom: dict[str, Any] = raw_custom if isinstance(raw_custom, dict) else {}
        state = await self.sio.get_session(sid)
        conversation_id = state.get("conversation_id")
        if conversation_id is None:
            token = custom.get("token") or state.get("token")
            if not token:
                await self._notice(sid, "link_required")
                return
            conversation_id = await self._bind(sid, str(token))
            if conversation_id is None:
                return
            await self._start(conversation_id)
        if not isinstance(text, str) or not text.strip():
            await self._notice(sid, "empty_message", conversation_id)
            return
        if len(text) > convs.MAX_TEXT_LENGTH:
            await self._notice(sid, "message_too_long", conversation_id)
            return
        client_id = custom.get("client_msg_id")
        platform_id = f"{conversation_id}:{client_id}" if isinstance(client_id, str) else None
        await self._pipeline.submit(
            convs.InboundMessage(conversation_id, CHANNEL, text.strip(), platform_id)
        )

    async def _notice(self, sid: str, key: str, conversation_id: str | None = None) -> None:
        """A reply to one socket that is not part of any conversation (nothing to store)."""
        language = None
        if conversation_id is not None:
            language = await asyncio.to_thread(self._language_of, conversation_id)
        await self.sio.emit(
            "bot_uttered",
            {"text": render(key, language), "metadata": {"author": "system"}},
            room=sid,
        )

    def _language_of(self, conversation_id: str) -> Any:
        from bot.db.models import Conversation

        with self._sessions.begin() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                return None
            return as_language(conversation.language or conversation.debtor.language)
