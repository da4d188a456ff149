"""Stop, wrong person, vulnerability: honoured first, at any point (compliance G-04, G-06, G-07)."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, EventType, SlotSet

from actions.runtime import DENY, EcouteAction, Turn
from bot.domain.texts import render
from bot.services import records

END_ANY_FORM: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
SUPPORT_BY_LANGUAGE = {"fr": "vulnerability_support", "en": "vulnerability_support"}


class ActionOptOut(EcouteAction):
    """One confirmation, recorded for every channel; nothing automated follows."""

    action_name = "action_opt_out"

    def respond(self, turn: Turn) -> list[EventType]:
        records.opt_out(turn.session, turn.ctx, channel=None)
        turn.say("opted_out")
        return list(END_ANY_FORM)


class ActionWrongPerson(EcouteAction):
    """Apologise and disclose nothing; stop this channel; a ticket to fix the contact data."""

    action_name = "action_wrong_person"

    def respond(self, turn: Turn) -> list[EventType]:
        records.mark_wrong_person(turn.session, turn.ctx)
        turn.say_text(render("wrong_person", turn.known_language))
        return list(END_ANY_FORM)


class ActionVulnerability(EcouteAction):
    """Empathy, every lever off, reminders paused, a person offered; no plan unless asked."""

    action_name = "action_vulnerability"

    def respond(self, turn: Turn) -> list[EventType]:
        records.flag_vulnerable(turn.session, turn.ctx)
        summary = records.escalation_summary(turn.session, turn.ctx, "vulnerability")
        records.queue_for_review(turn.session, turn.ctx, "vulnerability", summary)
        turn.say(
            "vulnerability", [turn.human_button(), (render("button_no_thanks", turn.lang), DENY)]
        )
        turn.say(SUPPORT_BY_LANGUAGE[turn.lang])
        return list(END_ANY_FORM)
