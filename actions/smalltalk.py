"""Courtesy turns: goodbye with the way back, thanks, "are you a bot?" answered truthfully."""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions.runtime import EcouteAction, Turn


class ActionGoodbye(EcouteAction):
    action_name = "action_goodbye"

    def respond(self, turn: Turn) -> list[EventType]:
        turn.say("goodbye")
        return []


class ActionThank(EcouteAction):
    action_name = "action_thank"

    def respond(self, turn: Turn) -> list[EventType]:
        turn.say("thank")
        return []


class ActionAnythingElse(EcouteAction):
    action_name = "action_anything_else"

    def respond(self, turn: Turn) -> list[EventType]:
        turn.say("anything_else")
        return []


class ActionBotChallenge(EcouteAction):
    action_name = "action_bot_challenge"

    def respond(self, turn: Turn) -> list[EventType]:
        turn.say("bot_challenge", [turn.human_button()], creditor=turn.ctx.creditor.name)
        return []
