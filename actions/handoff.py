"""A person, at any time (compliance G-02): record the escalation with a summary, pause the bot."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet

from actions.runtime import EcouteAction, Turn
from bot.services import records


def escalate_now(turn: Turn, reason: str) -> list[EventType]:
    """Record, tell the debtor when to expect a person, and pause Rasa for this conversation."""
    summary = records.escalation_summary(turn.session, turn.ctx, reason)
    records.escalate(turn.session, turn.ctx, reason, summary)
    hours = turn.settings.office_hours_fr if turn.lang == "fr" else turn.settings.office_hours_en
    turn.say("escalated", creditor=turn.ctx.creditor.name, hours=hours)
    return [ActiveLoop(None), SlotSet("requested_slot", None), ConversationPaused()]


class ActionEscalate(EcouteAction):
    action_name = "action_escalate"

    def respond(self, turn: Turn) -> list[EventType]:
        return escalate_now(turn, "debtor_request")


class ActionDefaultFallback(EcouteAction):
    """Two-stage fallback gave up: a person takes over rather than the bot guessing."""

    action_name = "action_default_fallback"

    def respond(self, turn: Turn) -> list[EventType]:
        turn.say("correction_hand_over")
        return escalate_now(turn, "fallback")
