"""Administrative blockers: capture the correction, open a ticket for the creditor, resend details.

The article's point (000-9): what blocks the debtor often reveals the creditor's own failures.
"""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet

from actions.runtime import EcouteAction, Turn, heard_from_slot
from bot.services import records

TICKET_KINDS = (
    "invoice_delivery",
    "missing_reference",
    "master_data_error",
    "billing_error",
    "missing_document",
)


def blocker(turn: Turn) -> str | None:
    found = heard_from_slot(turn.slot("heard"))
    reason = found[1].reason if found else None
    return reason if reason in TICKET_KINDS else None


class ActionAskCorrectionAnswer(EcouteAction):
    action_name = "action_ask_correction_answer"

    def respond(self, turn: Turn) -> list[EventType]:
        kind = blocker(turn)
        turn.say(f"ask_correction_{kind}" if kind else "ask_correction_generic")
        return []


class ActionRecordCorrection(EcouteAction):
    action_name = "action_record_correction"

    def respond(self, turn: Turn) -> list[EventType]:
        correction = str(turn.slot("correction_answer") or turn.debtor_text())
        found = heard_from_slot(turn.slot("heard"))
        kind = blocker(turn) or "master_data_error"
        problem = found[1].text if found else ""
        ticket = records.open_ticket(
            turn.session, turn.ctx, kind, f"Debtor says: {problem}\nCorrection: {correction}"
        )
        records.pause_collection(turn.session, turn.ctx, "admin_pending")
        debt = turn.ctx.debt
        turn.say(
            "correction_recorded",
            creditor=turn.ctx.creditor.name,
            ticket=f"#{ticket.id}",
            invoice=debt.invoice_number,
            issued=turn.date(debt.issued_on),
            amount=turn.money(debt.amount_due),
            due=turn.date(debt.due_on),
        )
        return [SlotSet("correction_answer", None)]
