"""Dispute: record it with the debtor's reason, pause all collection, say who reviews and when."""

from __future__ import annotations

from rasa_sdk.events import EventType

from actions.handoff import escalate_now
from actions.runtime import DENY, EcouteAction, Turn, heard_from_slot
from bot.domain.texts import render
from bot.services import records, reminders

BILLING_CATEGORIES = {"price"}


class ActionRecordDispute(EcouteAction):
    action_name = "action_record_dispute"

    def respond(self, turn: Turn) -> list[EventType]:
        found = heard_from_slot(turn.slot("heard"))
        reason_text = found[1].text if found else turn.debtor_text()
        category = (found[1].reason if found else None) or "other"
        dispute = records.record_dispute(turn.session, turn.ctx, category, reason_text, turn.today)
        reminders.sync_debt(turn.session, turn.ctx.debt, turn.now)  # collection paused
        kind = "billing_error" if category in BILLING_CATEGORIES else "service_failure"
        records.open_ticket(turn.session, turn.ctx, kind, f"Dispute ({category}): {reason_text}")
        threshold = turn.ctx.creditor.escalate_disputes_above
        if threshold is not None and turn.ctx.debt.amount_due > threshold:
            # Creditor policy: a dispute this large goes to a person straight away.
            turn.say(
                "dispute_recorded_for_review",
                invoice=turn.ctx.debt.invoice_number,
                review_date=turn.date(dispute.review_due_on),
            )
            return escalate_now(turn, "dispute_policy")
        turn.say(
            "dispute_recorded",
            [turn.human_button(), (render("button_no_thanks", turn.lang), DENY)],
            invoice=turn.ctx.debt.invoice_number,
            creditor=turn.ctx.creditor.name,
            review_date=turn.date(dispute.review_due_on),
        )
        return []
