"""Active listening: reformulate every cause, record what the debtor confirms or corrects.

method.md §3: classify → reformulate with the details heard → Yes / Not quite / No.
A "no" is stored as a candidate training example (text, predicted intent) and completed with
the intent the debtor confirms next (the admin loop relabels from there).
"""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

from actions.handoff import escalate_now
from actions.runtime import EcouteAction, Say, Turn, heard_from_slot, heard_to_slot
from bot.domain.paraphrase import Heard, detect_reason, paraphrase
from bot.domain.texts import intent_label, render
from bot.services import records

CAUSE_CATEGORY = {
    "hardship": "hardship",
    "dispute": "dispute",
    "admin_problem": "admin",
    "already_paid": "paid_claimed",
}
MAX_MISUNDERSTANDINGS = 2


def require_verified(turn: Turn) -> bool:
    """Nothing about the debt before identity is verified; say so and offer a person."""
    if turn.ctx.verified:
        return True
    turn.say("identity_needed", [turn.human_button()])
    return False


class Reformulate(EcouteAction):
    """Shared by one action per cause, so the rules can tell which cause a "yes" confirms."""

    intent_name = ""

    def respond(self, turn: Turn) -> list[EventType]:
        if not require_verified(turn):
            return []
        heard = self.merge(turn, turn.heard(self.intent_name))
        understood = self.understood_as(heard)
        events: list[EventType] = [SlotSet("heard", heard_to_slot(understood, heard))]
        if self.needs_more(heard):
            turn.say("ask_promise_date")
            return events
        predicted, confidence = turn.intent()
        row = records.record_classification(
            turn.session, turn.ctx, heard.text, predicted or self.intent_name, confidence
        )
        debt = turn.ctx.debt
        text = paraphrase(
            understood,
            heard,
            turn.lang,
            invoice=debt.invoice_number,
            balance=turn.money(debt.amount_due),
        )
        turn.say_text(text, turn.confirm_buttons())
        events.append(SlotSet("classification_id", row.id))
        return events

    def understood_as(self, heard: Heard) -> str:
        """The intent whose reformulation fits what was said (see the instalments subclass)."""
        return self.intent_name

    def merge(self, turn: Turn, heard: Heard) -> Heard:
        return heard

    def needs_more(self, heard: Heard) -> bool:
        return False


class ActionReformulateHardship(Reformulate):
    action_name, intent_name = "action_reformulate_hardship", "hardship"


class ActionReformulateInstalments(Reformulate):
    """An instalment request that names money trouble is a hardship: say back the cause too."""

    action_name, intent_name = "action_reformulate_instalments", "request_instalments"

    def understood_as(self, heard: Heard) -> str:
        return "hardship" if detect_reason("hardship", heard.text) else self.intent_name


class ActionReformulateDispute(Reformulate):
    action_name, intent_name = "action_reformulate_dispute", "dispute"


class ActionReformulateAdmin(Reformulate):
    action_name, intent_name = "action_reformulate_admin", "admin_problem"


class ActionReformulatePaid(Reformulate):
    action_name, intent_name = "action_reformulate_paid", "already_paid"


class ActionReformulatePromise(Reformulate):
    """A promise needs a date; details given over two messages are merged."""

    action_name, intent_name = "action_reformulate_promise", "promise_to_pay"

    def merge(self, turn: Turn, heard: Heard) -> Heard:
        previous = heard_from_slot(turn.slot("heard"))
        if previous is None or previous[0] != self.intent_name:
            return heard
        before = previous[1]
        text = heard.text if heard.text == before.text else f"{before.text} {heard.text}".strip()
        return Heard(
            text=text,
            amount=heard.amount or before.amount,
            currency=heard.currency if heard.amount else before.currency,
            when=heard.when or before.when,
            months=heard.months or before.months,
            invoice=heard.invoice or before.invoice,
            method=heard.method or before.method,
            reason=heard.reason or before.reason,
        )

    def needs_more(self, heard: Heard) -> bool:
        return heard.when is None


class ActionConfirmUnderstanding(EcouteAction):
    """The debtor said yes to the reformulation: label confirmed, cause recorded."""

    action_name = "action_confirm_understanding"

    def respond(self, turn: Turn) -> list[EventType]:
        found = heard_from_slot(turn.slot("heard"))
        rejected = [int(i) for i in (turn.slot("rejected_classifications") or [])]
        records.confirm_classification(turn.session, turn.slot("classification_id"), rejected)
        events: list[EventType] = [SlotSet("rejected_classifications", [])]
        if found is None:
            return events
        intent, heard = found
        category = CAUSE_CATEGORY.get(intent)
        if category is not None:
            statement = paraphrase(
                intent,
                heard,
                turn.lang,
                invoice=turn.ctx.debt.invoice_number,
                balance=turn.money(turn.ctx.debt.amount_due),
            )
            records.record_cause(turn.session, turn.ctx, category, heard.reason or "", statement)
        if intent in ("hardship", "request_instalments") and (heard.amount or heard.months):
            events.append(SlotSet("capacity_answer", heard.text))
        if intent == "already_paid" and heard.amount and heard.when:
            events.append(SlotSet("payment_details", heard.text))
        return events


class ActionCorrectUnderstanding(EcouteAction):
    """The debtor said no: apologise, ask openly, keep the example; twice → a person."""

    action_name = "action_correct_understanding"

    def respond(self, turn: Turn) -> list[EventType]:
        records.reject_classification(turn.session, turn.ctx, turn.slot("classification_id"))
        rejected = [int(i) for i in (turn.slot("rejected_classifications") or [])]
        if turn.slot("classification_id") is not None:
            rejected.append(int(turn.slot("classification_id")))
        events: list[EventType] = [
            SlotSet("rejected_classifications", rejected),
            SlotSet("classification_id", None),
            SlotSet("heard", None),
        ]
        if len(rejected) >= MAX_MISUNDERSTANDINGS:
            turn.say("correction_hand_over")
            return events + escalate_now(turn, "misunderstood_twice")
        turn.say("correction_open_question")
        return events


class ActionAcknowledge(Say):
    """A yes or a detail with nothing pending: thank and invite the debtor to say more."""

    action_name, text_key = "action_acknowledge", "acknowledge_open_question"


class ActionClarify(EcouteAction):
    """Cause still unknown: offer the three causes once (method 000-6), then listen openly."""

    action_name = "action_clarify"

    def respond(self, turn: Turn) -> list[EventType]:
        asked = any(
            e.get("event") == "action" and e.get("name") == self.action_name
            for e in turn.tracker.events[:-1]
        )
        if asked or not turn.ctx.verified:
            turn.say("acknowledge_open_question", [turn.human_button()])
            return []
        buttons = [
            (render("cause_button_hardship", turn.lang), "/hardship"),
            (render("cause_button_admin", turn.lang), "/admin_problem"),
            (render("cause_button_dispute", turn.lang), "/dispute"),
            (render("cause_button_other", turn.lang), "/request_human"),
        ]
        turn.say("clarify_cause", buttons)
        return []


class ActionDefaultAskAffirmation(EcouteAction):
    """Two-stage fallback, stage one: "Did you mean…" with the model's top intents."""

    action_name = "action_default_ask_affirmation"
    SUGGESTIONS = 3

    def respond(self, turn: Turn) -> list[EventType]:
        ranking = turn.tracker.latest_message.get("intent_ranking") or []
        buttons = []
        for entry in ranking:
            name = str(entry.get("name") or "")
            label = intent_label(name, turn.lang)
            if label is None or name in ("affirm", "deny"):
                continue
            buttons.append((label, f"/{name}"))
            if len(buttons) == self.SUGGESTIONS:
                break
        buttons.append((render("did_you_mean_none", turn.lang), "/out_of_scope"))
        turn.say("did_you_mean", buttons)
        return []


class ActionDefaultAskRephrase(Say):
    action_name, text_key = "action_default_ask_rephrase", "ask_rephrase"
