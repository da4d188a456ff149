"""Hardship and instalments: ask what is manageable, propose a plan inside the policy, recap."""

from __future__ import annotations

from decimal import Decimal

from rasa_sdk.events import EventType, SlotSet

from actions.handoff import escalate_now
from actions.runtime import AFFIRM, DENY, EcouteAction, Turn, heard_from_slot
from bot.domain.levers import Lever, allowed_levers
from bot.domain.paraphrase import normalise
from bot.domain.plans import Offer, Plan, PlanProposal, PlanStatus, propose_plan
from bot.domain.texts import render
from bot.services import records, reminders

LUMP_SUM_WORDS = (
    "en une fois",
    "une seule fois",
    "pour solde",
    "in one go",
    "lump sum",
    "full and final",
    "one payment",
    "un seul paiement",
    "single payment",
)
ADVICE_BY_PRESET = {"FR-B2C": "debt_advice_fr", "UK-consumer": "debt_advice_uk"}


class ActionAskCapacityAnswer(EcouteAction):
    action_name = "action_ask_capacity_answer"

    def respond(self, turn: Turn) -> list[EventType]:
        if records.proposals_of(turn.session, turn.ctx):
            turn.say("ask_capacity_again", [turn.human_button()])
            return []
        turn.say("ask_capacity")
        advice = ADVICE_BY_PRESET.get(turn.ctx.creditor.jurisdiction_preset)
        found = heard_from_slot(turn.slot("heard"))
        if advice and found is not None and found[0] == "hardship":
            turn.say(advice)
        return []


def offer_from(turn: Turn, text: str) -> Offer:
    heard = turn.heard("request_instalments", text)
    lump = heard.amount is not None and any(w in normalise(text) for w in LUMP_SUM_WORDS)
    first = heard.when if heard.when and heard.when >= turn.today else None
    if lump:
        return Offer(lump_sum=heard.amount, first_date=first)
    return Offer(monthly_amount=heard.amount, months=heard.months, first_date=first)


def schedule(turn: Turn, plan: Plan) -> str:
    return "\n".join(
        render(
            "schedule_line",
            turn.lang,
            date=turn.date(i.due_date),
            amount=turn.money(i.amount, plan.currency),
        )
        for i in plan.instalments
    )


def proposal_text(turn: Turn, proposal: PlanProposal) -> str:
    plan = proposal.plan
    assert plan is not None
    creditor = turn.ctx.creditor
    lines = schedule(turn, plan)
    if plan.settlement:
        return render(
            "plan_settlement_offer",
            turn.lang,
            creditor=creditor.name,
            amount=turn.money(plan.total),
            date=turn.date(plan.instalments[0].due_date),
        )
    if proposal.status is PlanStatus.AS_REQUESTED:
        text = render("plan_offer", turn.lang, count=len(plan.instalments), schedule=lines)
    elif proposal.reason == "below_min_instalment":
        text = render(
            "plan_counter_below_min_instalment",
            turn.lang,
            creditor=creditor.name,
            minimum=turn.money(creditor.min_instalment),
            schedule=lines,
        )
    elif proposal.reason == "exceeds_max_months":
        text = render(
            "plan_counter_exceeds_max_months",
            turn.lang,
            creditor=creditor.name,
            months=creditor.max_months,
            schedule=lines,
        )
    elif proposal.reason in ("start_too_late", "start_in_past"):
        text = render(
            "plan_counter_start_too_late",
            turn.lang,
            first=turn.date(plan.instalments[0].due_date),
            schedule=lines,
        )
    else:
        text = render("plan_counter_default", turn.lang, schedule=lines)
    if plan.discount > 0:
        text += "\n" + render(
            "plan_discount_line",
            turn.lang,
            creditor=creditor.name,
            date=turn.date(plan.instalments[0].due_date),
            amount=turn.money(plan.discount),
        )
    return text


class ActionProposePlan(EcouteAction):
    """Plan engine inside the creditor's bounds; anything outside goes to a person (G-14)."""

    action_name = "action_propose_plan"

    def respond(self, turn: Turn) -> list[EventType]:
        from actions.listening import require_verified

        if not require_verified(turn):
            return []
        # A counter-proposal typed right after an offer wins over the earlier answer.
        latest = turn.latest_text()
        offer = offer_from(turn, latest) if latest else Offer()
        if offer.is_empty:
            offer = offer_from(turn, str(turn.slot("capacity_answer") or ""))
        ctx = turn.ctx
        allowed = allowed_levers(
            frozenset(Lever(v) for v in ctx.creditor.levers if v in {m.value for m in Lever}),
            hardship=any(c.category == "hardship" for c in records.causes_of(turn.session, ctx)),
            dispute_open=ctx.debt.status == "disputed",
            vulnerable=ctx.debtor.vulnerable,
            admin_or_paid_pending=False,
        )
        levers_on = bool({Lever.RECIPROCITY_DISCOUNT, Lever.REDUCED_SETTLEMENT} & allowed)
        records.reject_open_proposals(turn.session, ctx)
        proposal = propose_plan(
            ctx.debt.amount_due,
            ctx.debt.currency,
            offer,
            records.plan_policy(ctx.creditor),
            turn.today,
            levers_allowed=levers_on,
        )
        events: list[EventType] = [SlotSet("capacity_answer", None)]
        if proposal.status is PlanStatus.NEEDS_HUMAN or proposal.plan is None:
            turn.say("plan_needs_human", creditor=ctx.creditor.name)
            return events + escalate_now(turn, f"plan_{proposal.reason}")
        row = records.store_proposal(turn.session, ctx, proposal)
        buttons = [
            (render("plan_button_accept", turn.lang), AFFIRM),
            (render("plan_button_other", turn.lang), DENY),
            turn.human_button(),
        ]
        turn.say_text(proposal_text(turn, proposal), buttons)
        return [*events, SlotSet("plan_id", row.id)]


class ActionAcceptPlan(EcouteAction):
    """Store the accepted plan and send the written recap (method §3 step 6)."""

    action_name = "action_accept_plan"

    def respond(self, turn: Turn) -> list[EventType]:
        plan_id = turn.slot("plan_id")
        row = records.accept_plan(turn.session, turn.ctx, int(plan_id)) if plan_id else None
        if row is None:
            turn.say("plan_not_found")
            return []
        turn.session.flush()
        reminders.sync_debt(turn.session, turn.ctx.debt, turn.now)  # instalment reminders
        plan = records.plan_from_row(row)
        total: Decimal = plan.total
        turn.say(
            "plan_accepted",
            invoice=turn.ctx.debt.invoice_number,
            schedule=schedule(turn, plan),
            total=turn.money(total, plan.currency),
        )
        return [SlotSet("plan_id", None)]
