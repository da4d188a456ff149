"""Already paid (claim for reconciliation) and promises to pay (date and amount confirmed)."""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

from actions.runtime import EcouteAction, Say, Turn, heard_from_slot
from bot.domain.paraphrase import Heard, payment_details
from bot.services import records, reminders


class ActionAskPaymentDetails(Say):
    action_name, text_key = "action_ask_payment_details", "ask_payment_details"


class ActionRecordPaymentClaim(EcouteAction):
    """Record the claim, pause reminders until finance matches it, open a matching ticket."""

    action_name = "action_record_payment_claim"

    def respond(self, turn: Turn) -> list[EventType]:
        details_text = str(turn.slot("payment_details") or "")
        found = heard_from_slot(turn.slot("heard"))
        before = found[1] if found else Heard(text="")
        now = turn.heard("already_paid", details_text) if details_text else Heard(text="")
        amount = now.amount or before.amount
        when = now.when or before.when
        if when is not None and when > turn.today:
            when = None  # a payment cannot be in the future: ask finance rather than guess
        method = now.method or before.method
        statement = " / ".join(t for t in (before.text, details_text) if t)
        records.record_payment_claim(
            turn.session, turn.ctx, amount=amount, paid_on=when, method=method, statement=statement
        )
        merged = Heard(
            text=statement, amount=amount, currency=turn.ctx.debt.currency, when=when, method=method
        )
        claim = payment_details(merged, turn.lang).lstrip(" :")
        if not claim:
            claim = "paiement déclaré" if turn.lang == "fr" else "payment reported"
        turn.say("payment_claim_recorded", claim=claim, creditor=turn.ctx.creditor.name)
        return [SlotSet("payment_details", None)]


class ActionRecordPromise(EcouteAction):
    action_name = "action_record_promise"

    def respond(self, turn: Turn) -> list[EventType]:
        found = heard_from_slot(turn.slot("heard"))
        heard = found[1] if found else None
        if heard is None or heard.when is None:
            turn.say("ask_promise_date")
            return []
        amount = heard.amount or turn.ctx.debt.amount_due
        promise = records.record_promise(
            turn.session, turn.ctx, amount=amount, promised_on=heard.when, statement=heard.text
        )
        reminders.sync_debt(turn.session, turn.ctx.debt, turn.now)  # a check after the date
        turn.say(
            "promise_recorded",
            amount=turn.money(promise.amount),
            date=turn.date(promise.promised_on),
            invoice=turn.ctx.debt.invoice_number,
        )
        return [SlotSet("heard", None)]
