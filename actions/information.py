"""What is owed and how to pay: only after identity is verified (compliance G-03)."""

from __future__ import annotations

from decimal import Decimal

from rasa_sdk.events import EventType

from actions.listening import require_verified
from actions.runtime import EcouteAction, Turn
from bot.domain.texts import render
from bot.services import records


class ActionDebtDetails(EcouteAction):
    action_name = "action_debt_details"

    def respond(self, turn: Turn) -> list[EventType]:
        if not require_verified(turn):
            return []
        debts = records.open_debts(turn.session, turn.ctx.debtor)
        lines = []
        total = Decimal("0")
        for debt in debts:
            line = render(
                "debt_line",
                turn.lang,
                invoice=debt.invoice_number,
                issued=turn.date(debt.issued_on),
                amount=turn.money(debt.amount_due, debt.currency),
                due=turn.date(debt.due_on),
            )
            if debt.collection_paused:
                line += render("debt_line_paused", turn.lang)
            lines.append(line)
            total += debt.amount_due
        turn.say(
            "debt_details",
            creditor=turn.ctx.creditor.name,
            lines="\n".join(lines),
            total=turn.money(total),
        )
        return []


class ActionPaymentMethods(EcouteAction):
    action_name = "action_payment_methods"

    def respond(self, turn: Turn) -> list[EventType]:
        if not require_verified(turn):
            return []
        creditor = turn.ctx.creditor
        instructions = (
            creditor.payment_instructions_fr
            if turn.lang == "fr"
            else creditor.payment_instructions_en
        ) or creditor.human_contact
        turn.say("payment_methods", invoice=turn.ctx.debt.invoice_number, instructions=instructions)
        return []
