"""What every action shares: the database, the conversation context, language and replies.

The engine is built on first use (not at import) from the same ``ECOUTE_*`` settings as the
gateway; ``reset()`` lets tests point the action server at another database.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import make_engine, make_session_factory
from bot.domain.language import as_language, detect_language
from bot.domain.paraphrase import Heard, detect_payment_method, detect_reason
from bot.domain.parsing import find_amounts, find_date, parse_amount, parse_date, parse_months
from bot.domain.texts import Language, render
from bot.services.records import Context, UnknownConversation, load_context
from bot.settings import Settings, load_settings

log = logging.getLogger("ecoute.actions")

AFFIRM, DENY, HUMAN = "/affirm", "/deny", "/request_human"
Button = tuple[str, str]


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    sessions: sessionmaker[Session]


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    settings = load_settings()
    return Runtime(settings, make_session_factory(make_engine(settings.resolved_database_url)))


def reset() -> None:
    runtime.cache_clear()


@dataclass
class Turn:
    """One action run: the tracker, the dispatcher, the database session and the context."""

    tracker: Tracker
    dispatcher: CollectingDispatcher
    session: Session
    ctx: Context
    settings: Settings

    @property
    def today(self) -> date:
        return self.settings.today()

    @property
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    @property
    def known_language(self) -> Language | None:
        metadata = self.tracker.latest_message.get("metadata") or {}
        return as_language(metadata.get("language")) or as_language(self.ctx.language)

    @property
    def lang(self) -> Language:
        return (
            self.known_language
            or detect_language(self.debtor_text())
            or self.settings.default_language
        )

    def say(self, key: str, buttons: Iterable[Button] = (), **values: object) -> None:
        self.say_text(render(key, self.lang, **values), buttons)

    def say_text(self, text: str, buttons: Iterable[Button] = ()) -> None:
        rows = [{"title": title, "payload": payload} for title, payload in buttons]
        if rows:
            self.dispatcher.utter_message(text=text, buttons=rows)
        else:
            self.dispatcher.utter_message(text=text)

    def confirm_buttons(self) -> list[Button]:
        return [
            (render("confirm_yes", self.lang), AFFIRM),
            (render("confirm_not_quite", self.lang), DENY),
            (render("confirm_no", self.lang), DENY),
        ]

    def human_button(self) -> Button:
        return (render("button_human", self.lang), HUMAN)

    def slot(self, name: str) -> Any:
        return self.tracker.get_slot(name)

    def intent(self) -> tuple[str, float | None]:
        intent = self.tracker.latest_message.get("intent") or {}
        return str(intent.get("name") or ""), intent.get("confidence")

    def debtor_text(self) -> str:
        """The last thing the debtor actually typed (button payloads like /affirm skipped)."""
        for event in reversed(self.tracker.events):
            if event.get("event") == "user":
                text = str(event.get("text") or "")
                if text and not text.startswith("/"):
                    return text
        return ""

    def latest_text(self) -> str:
        text = str(self.tracker.latest_message.get("text") or "")
        return "" if text.startswith("/") else text

    def entity(self, name: str) -> str | None:
        for entity in self.tracker.latest_message.get("entities") or []:
            if entity.get("entity") == name and entity.get("value"):
                return str(entity["value"])
        return None

    def heard(self, intent: str, text: str | None = None) -> Heard:
        """The details in the debtor's words: entities first, then the parsers on the text."""
        text = self.debtor_text() if text is None else text
        lang = self.lang
        currency = self.ctx.debt.currency
        amount_entity = self.entity("amount")
        money = parse_amount(amount_entity, lang, currency) if amount_entity else None
        if money is None and text:
            found = find_amounts(text, lang)
            money = found[0] if found else None
        future = intent != "already_paid"  # a payment made is in the past, a promise ahead
        date_entity = self.entity("date")
        when = (
            parse_date(date_entity, lang, self.today, prefer_future=future) if date_entity else None
        )
        if when is None and text:
            when = find_date(text, lang, self.today, prefer_future=future)
        return Heard(
            text=text,
            amount=money.amount if money else None,
            currency=(money.currency if money and money.currency else currency),
            when=when,
            months=parse_months(text, lang) if text else None,
            invoice=self.entity("invoice_number"),
            method=detect_payment_method(text) if text else None,
            reason=detect_reason(intent, text) if text else None,
        )

    def money(self, amount: Decimal, currency: str | None = None) -> str:
        from bot.domain.parsing import format_money

        return format_money(amount, currency or self.ctx.debt.currency, self.lang)

    def date(self, value: date) -> str:
        from bot.domain.parsing import format_date

        return format_date(value, self.lang)


def heard_to_slot(intent: str, heard: Heard) -> dict[str, Any]:
    return {
        "intent": intent,
        "text": heard.text,
        "amount": str(heard.amount) if heard.amount is not None else None,
        "currency": heard.currency,
        "when": heard.when.isoformat() if heard.when else None,
        "months": heard.months,
        "invoice": heard.invoice,
        "method": heard.method,
        "reason": heard.reason,
    }


def heard_from_slot(value: Any) -> tuple[str, Heard] | None:
    if not isinstance(value, dict) or "intent" not in value:
        return None
    return str(value["intent"]), Heard(
        text=str(value.get("text") or ""),
        amount=Decimal(value["amount"]) if value.get("amount") else None,
        currency=str(value.get("currency") or "EUR"),
        when=date.fromisoformat(value["when"]) if value.get("when") else None,
        months=value.get("months"),
        invoice=value.get("invoice"),
        method=value.get("method"),
        reason=value.get("reason"),
    )


class EcouteAction(Action):
    """Base of our actions: one transaction per run, errors handled here, once.

    Subclasses implement ``respond``; when the conversation is unknown (someone talking to
    Rasa directly) they say nothing about any debt.
    """

    action_name = ""

    def name(self) -> str:
        return self.action_name

    def respond(self, turn: Turn) -> list[EventType]:
        raise NotImplementedError

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        rt = runtime()
        try:
            with rt.sessions.begin() as session:
                ctx = load_context(session, tracker.sender_id)
                return self.respond(Turn(tracker, dispatcher, session, ctx, rt.settings))
        except UnknownConversation:
            log.warning("%s: unknown conversation, answering without any detail", self.name())
            dispatcher.utter_message(text=render("link_required", None))
            return []
        except Exception:
            log.exception("%s failed for conversation %s", self.name(), tracker.sender_id)
            dispatcher.utter_message(text=render("technical_problem", None))
            return []


class Say(EcouteAction):
    """An action whose whole job is one catalogue text (courtesy turns, form questions)."""

    text_key = ""

    def respond(self, turn: Turn) -> list[EventType]:
        turn.say(self.text_key)
        return []
