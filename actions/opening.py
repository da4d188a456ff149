"""Opening and identity: disclose the bot, verify before any detail (compliance G-01, G-03)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.runtime import EcouteAction, Turn, runtime
from bot.domain.parsing import format_date, format_money
from bot.domain.texts import LANGUAGES, Language, render
from bot.services.records import check_identity, identity_locked, load_context

VERIFIED, LOCKED = "verified", "locked"


class ActionGreet(EcouteAction):
    """First turn: who we are, for whom, and the two exits. Later: a plain hello."""

    action_name = "action_greet"

    def respond(self, turn: Turn) -> list[EventType]:
        if turn.ctx.verified:
            turn.say("greet_again")
        else:
            turn.say_text(render("opening", turn.known_language, creditor=turn.ctx.creditor.name))
        return []


class ActionAskIdentityAnswer(EcouteAction):
    action_name = "action_ask_identity_answer"

    def respond(self, turn: Turn) -> list[EventType]:
        if identity_locked(turn.ctx, turn.now):
            turn.say_text(
                render(
                    "identity_locked", turn.known_language, hours=turn.settings.identity_lock_hours
                ),
                [turn.human_button()],
            )
        else:
            key = f"ask_identity_{turn.ctx.debtor.identity_kind}"
            turn.say_text(render(key, turn.known_language))
        return []


class ValidateVerificationForm(FormValidationAction):
    """Checks the answer against the stored hash; three failures lock disclosure."""

    def name(self) -> str:
        return "validate_verification_form"

    async def validate_identity_answer(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        rt = runtime()
        with rt.sessions.begin() as session:
            ctx = load_context(session, tracker.sender_id)
            turn = Turn(tracker, dispatcher, session, ctx, rt.settings)
            result = check_identity(
                session,
                ctx,
                str(slot_value or ""),
                max_attempts=rt.settings.identity_max_attempts,
                lock_hours=rt.settings.identity_lock_hours,
                now=turn.now,
            )
            if result.verified:
                return {"identity_answer": VERIFIED}
            if result.locked:
                return {"identity_answer": LOCKED}
            if not result.answered:
                key = f"identity_not_an_answer_{turn.ctx.debtor.identity_kind}"
                turn.say_text(render(key, turn.known_language))
                return {"identity_answer": None}
            turn.say_text(
                render("identity_mismatch", turn.known_language, left=result.attempts_left)
            )
            return {"identity_answer": None}


class ActionAfterVerification(EcouteAction):
    """Verified: the invoice and one open question (method 000-4). Locked: a person instead."""

    action_name = "action_after_verification"

    def respond(self, turn: Turn) -> list[EventType]:
        debt = turn.ctx.debt
        if turn.ctx.verified:
            # A postcode says nothing about the language: if still unknown, ask in both.
            languages: tuple[Language, ...] = (
                (turn.known_language,) if turn.known_language else LANGUAGES
            )
            turn.say_text(
                "\n\n".join(
                    render(
                        "verified_open_question",
                        lang,
                        invoice=debt.invoice_number,
                        issued=format_date(debt.issued_on, lang),
                        amount=format_money(debt.amount_due, debt.currency, lang),
                        due=format_date(debt.due_on, lang),
                    )
                    for lang in languages
                )
            )
        else:
            turn.say_text(
                render(
                    "identity_locked", turn.known_language, hours=turn.settings.identity_lock_hours
                ),
                [turn.human_button()],
            )
        return []
