"""Courtesy turns: goodbye with the way back, thanks, "are you a bot?" answered truthfully."""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions.runtime import EcouteAction, Say, Turn


class ActionGoodbye(Say):
    action_name, text_key = "action_goodbye", "goodbye"


class ActionThank(Say):
    action_name, text_key = "action_thank", "thank"


class ActionAnythingElse(Say):
    action_name, text_key = "action_anything_else", "anything_else"


class ActionBotChallenge(EcouteAction):
    action_name = "action_bot_challenge"

    def respond(self, turn: Turn) -> list[EventType]:
        turn.say("bot_challenge", [turn.human_button()], creditor=turn.ctx.creditor.name)
        return []
