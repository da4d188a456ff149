"""The path of one inbound message: store, route, ask Rasa, store replies, deliver.

Order and durability rules (design.md): a message is stored before anything else; messages
of one conversation are processed one at a time, oldest first; if Rasa is down the message
stays pending and ``replay_pending`` picks it up later; replies are stored before delivery
and a failed delivery is retried from the stored row.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Conversation, ConversationState, Message, MessageStatus, OptOut
from bot.domain.keywords import keyword_intent
from bot.domain.language import as_language, detect_language
from bot.domain.texts import render
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.services import conversations as convs
from bot.services import handoff

log = logging.getLogger(__name__)

AGENT_STATES = {ConversationState.WAITING_AGENT.value, ConversationState.AGENT.value}
NOTICE_REPEAT_MINUTES = 10


@dataclass(frozen=True)
class Outgoing:
    """A stored outbound message as a channel adapter sees it."""

    message_id: int
    conversation_id: str
    text: str
    buttons: tuple[tuple[str, str], ...]
    author: str
    agent: str | None = None  # the person's name when a person wrote it


@dataclass(frozen=True)
class Posted:
    """A message just stored in a conversation, in or out, as the agent console shows it."""

    message_id: int
    conversation_id: str
    direction: str
    author: str
    text: str
    agent: str | None = None


# A channel adapter delivers stored messages and says whether they reached the debtor.
Deliver = Callable[[list[Outgoing]], Awaitable[bool]]
# Someone watching conversations (the console's live view) hears of every stored message.
Listener = Callable[[Posted], Awaitable[None]]


def outgoing(message: Message) -> Outgoing:
    payload = message.payload or {}
    buttons = tuple((str(b["title"]), str(b["payload"])) for b in payload.get("buttons", []))
    agent = payload.get("agent")
    return Outgoing(
        message.id,
        message.conversation_id,
        message.text,
        buttons,
        message.author,
        str(agent) if agent else None,
    )


def posted(message: Message) -> Posted:
    agent = (message.payload or {}).get("agent")
    return Posted(
        message.id,
        message.conversation_id,
        message.direction,
        message.author,
        message.text,
        str(agent) if agent else None,
    )


@dataclass(frozen=True)
class _Turn:
    message_id: int
    conversation_id: str
    text: str
    route: str  # "rasa" | "agent"
    state: str
    metadata: dict[str, Any]


class MessagePipeline:
    def __init__(self, sessions: sessionmaker[Session], rasa: RasaClient) -> None:
        self._sessions = sessions
        self._rasa = rasa
        self._channels: dict[str, Deliver] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._listeners: list[Listener] = []

    def register_channel(self, channel: str, deliver: Deliver) -> None:
        self._channels[channel] = deliver

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def announce(self, messages: list[Posted]) -> None:
        """Tell listeners about stored messages; a listener's failure never stops a turn."""
        for message in messages:
            for listener in self._listeners:
                try:
                    await listener(message)
                except Exception:
                    log.exception("listener failed on message %s", message.message_id)

    # --- entry points ---------------------------------------------------------------------

    async def submit(self, inbound: convs.InboundMessage) -> bool:
        """Store the message (durable from here on), then process the conversation.

        Returns False when it was a duplicate of a message already stored.
        """
        stored = await asyncio.to_thread(self._store, inbound)
        if stored is None:
            return False
        await self.announce([stored])
        await self.process(inbound.conversation_id)
        return True

    async def process(self, conversation_id: str) -> None:
        """Answer every pending message of the conversation, in order, one at a time."""
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        async with lock:
            while True:
                turn = await asyncio.to_thread(self._next_turn, conversation_id)
                if turn is None:
                    return
                if turn.route == "agent":
                    await self._hold_for_agent(turn)
                    continue
                try:
                    replies = await self._rasa.send(conversation_id, turn.text, turn.metadata)
                except RasaUnavailable as exc:
                    log.warning("Rasa unavailable for conversation %s: %s", conversation_id, exc)
                    await self._notify_once(conversation_id, "one_moment")
                    return
                stored = await asyncio.to_thread(self._store_replies, turn.message_id, replies)
                await self.publish(conversation_id, stored)

    async def replay_pending(self) -> int:
        """Process every conversation that still has pending inbound messages."""
        ids = await asyncio.to_thread(self._pending_conversations)
        for conversation_id in ids:
            await self.process(conversation_id)
        return len(ids)

    async def deliver(self, conversation_id: str, messages: list[Outgoing]) -> bool:
        """Hand stored messages to their channel one by one; each is marked once it went out.

        Stops at the first that does not go out, so the order is kept for the next attempt;
        returns whether every message went out.
        """
        if not messages:
            return True
        channel = await asyncio.to_thread(self._channel_of, conversation_id)
        deliver = self._channels.get(channel)
        if deliver is None:
            log.error("no adapter for channel %s; messages stay pending", channel)
            return False
        for message in messages:
            try:
                delivered = await deliver([message])
            except Exception:  # an adapter failure must not lose the stored replies
                log.exception("delivery failed on %s for conversation %s", channel, conversation_id)
                return False
            if not delivered:
                return False
            await asyncio.to_thread(self._mark_delivered, [message.message_id])
        return True

    async def publish(self, conversation_id: str, messages: list[Outgoing]) -> None:
        """Newly stored outbound messages: tell the listeners, then deliver."""
        await self.announce(
            [
                Posted(m.message_id, m.conversation_id, "out", m.author, m.text, m.agent)
                for m in messages
            ]
        )
        await self.deliver(conversation_id, messages)

    async def deliver_pending(self, conversation_id: str) -> bool:
        """Re-send what was stored but never reached the debtor (e.g. after a reconnect)."""
        pending = await asyncio.to_thread(self._undelivered, conversation_id)
        return await self.deliver(conversation_id, pending)

    async def say(
        self,
        conversation_id: str,
        key: str,
        author: str = "system",
        buttons: tuple[tuple[str, str], ...] = (),
        **values: object,
    ) -> None:
        """Store and deliver one catalogue text in the conversation's language.

        ``buttons`` are (text key, payload) pairs, titled in the same language.
        """
        stored = await asyncio.to_thread(
            self._store_notice, conversation_id, key, author, False, values, buttons
        )
        await self.publish(conversation_id, stored)

    # --- database work (runs in a worker thread, one transaction each) ----------------------

    def _store(self, inbound: convs.InboundMessage) -> Posted | None:
        with self._sessions.begin() as session:
            message = convs.store_inbound(session, inbound)
            if message is None:
                return None
            session.flush()
            return posted(message)

    def _next_turn(self, conversation_id: str) -> _Turn | None:
        with self._sessions.begin() as session:
            message = convs.next_pending_inbound(session, conversation_id)
            if message is None:
                return None
            conversation = session.get(Conversation, conversation_id)
            assert conversation is not None
            if conversation.language is None and message.author == "debtor":
                detected = detect_language(message.text)
                if detected is not None:
                    conversation.language = detected
            language = conversation.language or conversation.debtor.language
            metadata = {
                "conversation_id": conversation.id,
                "debtor_id": conversation.debtor_id,
                "debt_id": conversation.debt_id,
                "channel": conversation.channel,
                "language": language,
            }
            route = "agent" if conversation.state in AGENT_STATES else "rasa"
            text = message.text
            if message.author == "debtor":
                forced = keyword_intent(text)
                if forced is not None:
                    text = f"/{forced}"
            return _Turn(message.id, conversation_id, text, route, conversation.state, metadata)

    def _store_replies(self, message_id: int, replies: list[Any]) -> list[Outgoing]:
        with self._sessions.begin() as session:
            inbound = session.get(Message, message_id)
            assert inbound is not None
            stored = convs.store_replies(
                session,
                inbound,
                [convs.OutboundReply(r.text, r.buttons) for r in replies if r.text or r.buttons],
            )
            return [outgoing(m) for m in stored]

    def _store_notice(
        self,
        conversation_id: str,
        key: str,
        author: str,
        once: bool,
        values: dict[str, object] | None = None,
        buttons: tuple[tuple[str, str], ...] = (),
    ) -> list[Outgoing]:
        with self._sessions.begin() as session:
            conversation = session.get(Conversation, conversation_id)
            assert conversation is not None
            language = as_language(conversation.language or conversation.debtor.language)
            # A value may be given per language ({"fr": …, "en": …}), e.g. a phrase.
            resolved = {
                k: (v[language] if isinstance(v, dict) else v) for k, v in (values or {}).items()
            }
            text = render(key, language, **resolved)
            if once and convs.recently_told(session, conversation_id, text, NOTICE_REPEAT_MINUTES):
                return []
            message = convs.add_outbound(
                session,
                conversation_id,
                conversation.channel,
                convs.OutboundReply(
                    text, tuple((render(k, language), p) for k, p in buttons), author
                ),
            )
            return [outgoing(message)]

    async def _notify_once(self, conversation_id: str, key: str) -> None:
        stored = await asyncio.to_thread(self._store_notice, conversation_id, key, "system", True)
        await self.publish(conversation_id, stored)

    async def _hold_for_agent(self, turn: _Turn) -> None:
        """A person holds the conversation: keep the message for them, Rasa is not asked.

        STOP still means stop in this state (compliance G-04): the opt-out is recorded here,
        since the paused bot will not see it.
        """
        stop = turn.text == "/stop_contact"

        def hold() -> str | None:
            with self._sessions.begin() as session:
                message = session.get(Message, turn.message_id)
                assert message is not None
                message.status = MessageStatus.ROUTED_TO_AGENT.value
                if not stop:
                    return handoff.record_follow_up(session, turn.conversation_id, turn.text)
                conversation = session.get(Conversation, turn.conversation_id)
                assert conversation is not None
                session.add(
                    OptOut(
                        debtor_id=conversation.debtor_id,
                        channel=None,
                        source_conversation_id=conversation.id,
                    )
                )
                convs.audit(
                    session,
                    "gateway",
                    "opted_out",
                    debtor_id=conversation.debtor_id,
                    conversation_id=conversation.id,
                    scope="all",
                    while_state="agent",
                )
                return None

        follow_up = await asyncio.to_thread(hold)
        if stop:
            await self.say(turn.conversation_id, "opted_out")
        elif follow_up is not None:
            await self.say(turn.conversation_id, f"{follow_up}_recorded")
        elif turn.state == ConversationState.WAITING_AGENT.value:
            await self._notify_once(turn.conversation_id, "waiting_for_agent")
        # With a person in the conversation, the message simply reaches them (console).

    def _pending_conversations(self) -> list[str]:
        with self._sessions.begin() as session:
            return convs.conversations_with_pending(session)

    def _channel_of(self, conversation_id: str) -> str:
        with self._sessions.begin() as session:
            conversation = session.get(Conversation, conversation_id)
            return conversation.channel if conversation else ""

    def _mark_delivered(self, ids: list[int]) -> None:
        with self._sessions.begin() as session:
            convs.mark_delivered(session, ids)

    def _undelivered(self, conversation_id: str) -> list[Outgoing]:
        with self._sessions.begin() as session:
            return [outgoing(m) for m in convs.undelivered_outbound(session, conversation_id)]
