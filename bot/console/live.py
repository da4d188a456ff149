"""Live console: the pipeline's stored messages pushed to agents' browsers over socket.io.

Namespace ``/console`` of the gateway's socket.io server. A console page carries a short-lived
signed token naming the user; on ``watch`` the server checks that the user may see that
conversation (or that creditor's queue) before joining its room. Messages are pushed as they
are stored, so an agent sees a debtor's words without reloading.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import socketio
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import ConsoleUser, Conversation
from bot.gateway.pipeline import MessagePipeline, Posted
from bot.services import handoff

log = logging.getLogger(__name__)

NAMESPACE = "/console"
TOKEN_SALT = "ecoute.console-live.v1"


def conversation_room(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def queue_room(creditor_id: int) -> str:
    return f"queue:{creditor_id}"


class ConsoleLive:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        sessions: sessionmaker[Session],
        pipeline: MessagePipeline,
        secret: str,
        ttl_seconds: int,
    ) -> None:
        self._sio = sio
        self._sessions = sessions
        self._tokens = URLSafeTimedSerializer(secret, salt=TOKEN_SALT)
        self._ttl = ttl_seconds
        self._creditor_of: dict[str, int] = {}
        sio.on("connect", self._connect, namespace=NAMESPACE)
        sio.on("watch", self._watch, namespace=NAMESPACE)
        pipeline.add_listener(self.on_message)

    def token_for(self, user_id: int) -> str:
        return str(self._tokens.dumps({"user": user_id}))

    async def on_message(self, message: Posted) -> None:
        creditor_id = await self._creditor(message.conversation_id)
        payload = {
            "id": message.message_id,
            "conversation_id": message.conversation_id,
            "direction": message.direction,
            "author": message.author,
            "agent": message.agent,
            "text": message.text,
        }
        await self._sio.emit(
            "message",
            payload,
            room=conversation_room(message.conversation_id),
            namespace=NAMESPACE,
        )
        if creditor_id is not None:
            await self._sio.emit(
                "queue_changed",
                {"conversation_id": message.conversation_id},
                room=queue_room(creditor_id),
                namespace=NAMESPACE,
            )

    async def announce_queue(self, conversation_id: str) -> None:
        """A claim, a handback or a close changed the queue: tell the creditor's agents."""
        creditor_id = await self._creditor(conversation_id)
        if creditor_id is not None:
            await self._sio.emit(
                "queue_changed",
                {"conversation_id": conversation_id},
                room=queue_room(creditor_id),
                namespace=NAMESPACE,
            )

    # --- socket events ----------------------------------------------------------------------

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            data = self._tokens.loads(str(token), max_age=self._ttl)
        except BadSignature:
            return False  # refused: no console without a signed-in user
        await self._sio.save_session(sid, {"user": int(data["user"])}, namespace=NAMESPACE)
        return True

    async def _watch(self, sid: str, data: Any = None) -> dict[str, Any]:
        state = await self._sio.get_session(sid, namespace=NAMESPACE)
        if not isinstance(data, dict):
            return {"ok": False}
        user_id = int(state["user"])
        if "conversation_id" in data:
            conversation_id = str(data["conversation_id"])
            allowed = await asyncio.to_thread(self._may_see, user_id, conversation_id)
            if not allowed:
                return {"ok": False}
            await self._sio.enter_room(sid, conversation_room(conversation_id), namespace=NAMESPACE)
            return {"ok": True}
        creditors = await asyncio.to_thread(self._creditors, user_id)
        for creditor_id in creditors:
            await self._sio.enter_room(sid, queue_room(creditor_id), namespace=NAMESPACE)
        return {"ok": True}

    # --- database ---------------------------------------------------------------------------

    def _may_see(self, user_id: int, conversation_id: str) -> bool:
        with self._sessions.begin() as session:
            user = session.get(ConsoleUser, user_id)
            if user is None or not user.active:
                return False
            try:
                handoff.conversation_for(session, user, conversation_id)
            except handoff.AccessDenied:
                return False
            return True

    def _creditors(self, user_id: int) -> list[int]:
        with self._sessions.begin() as session:
            user = session.get(ConsoleUser, user_id)
            return handoff.creditor_ids(user) if user and user.active else []

    async def _creditor(self, conversation_id: str) -> int | None:
        if conversation_id not in self._creditor_of:

            def lookup() -> int | None:
                with self._sessions.begin() as session:
                    conversation = session.get(Conversation, conversation_id)
                    return conversation.debt.creditor_id if conversation else None

            creditor_id = await asyncio.to_thread(lookup)
            if creditor_id is None:
                return None
            self._creditor_of[conversation_id] = creditor_id
        return self._creditor_of[conversation_id]
