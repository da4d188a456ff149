"""Plan engine: properties over arbitrary balances/offers/policies, then named behaviours."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.plans import (
    REASONS,
    Instalment,
    Offer,
    Plan,
    PlanPolicy,
    PlanProposal,
    PlanStatus,
    prompt_payment_discount,
    propose_plan,
    schedule_dates,
    split_evenly,
)

D = Decimal
TODAY = date(2025, 3, 10)


def policy(**overrides: object) -> PlanPolicy:
    base: dict[str, object] = {
        "min_instalment": D("50.00"),
        "max_months": 6,
        "first_payment_within_days": 14,
    }
    base.update(overrides)
    return PlanPolicy(**base)  # type: ignore[arg-type]


def amounts(proposal: PlanProposal) -> list[Decimal]:
    assert proposal.plan is not None
    return [i.amount for i in proposal.plan.instalments]


# --- strategies ----------------------------------------------------------------------------

cents = st.integers(min_value=1, max_value=100_000_000).map(lambda c: D(c) / 100)
percent = st.integers(min_value=1, max_value=99).map(D)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def policies(draw: st.DrawFn) -> PlanPolicy:
    discount = draw(st.booleans())
    return PlanPolicy(
        min_instalment=draw(st.integers(min_value=0, max_value=200_000).map(lambda c: D(c) / 100)),
        max_months=draw(st.integers(min_value=1, max_value=60)),
        first_payment_within_days=draw(st.integers(min_value=0, max_value=60)),
        prompt_discount_percent=draw(percent) if discount else None,
        prompt_discount_days=draw(st.integers(min_value=0, max_value=60)) if discount else None,
        settlement_floor_percent=draw(st.none() | st.integers(1, 100).map(D)),
    )


@st.composite
def offers(draw: st.DrawFn, today: date) -> Offer:
    first = draw(st.none() | st.dates(today - timedelta(days=30), today + timedelta(days=90)))
    kind = draw(st.sampled_from(["empty", "months", "monthly", "both", "lump", "date_only"]))
    months = st.integers(min_value=1, max_value=240)
    if kind == "months":
        return Offer(months=draw(months), first_date=first)
    if kind == "monthly":
        return Offer(monthly_amount=draw(cents), first_date=first)
    if kind == "both":
        return Offer(monthly_amount=draw(cents), months=draw(months), first_date=first)
    if kind == "lump":
        return Offer(lump_sum=draw(cents), first_date=first)
    if kind == "date_only":
        return Offer(first_date=first or today)
    return Offer()


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Decimal, Offer, PlanPolicy, date, bool]:
    today = draw(dates)
    return draw(cents), draw(offers(today)), draw(policies()), today, draw(st.booleans())


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=600)
@given(scenarios())
def test_every_plan_respects_the_policy(
    scenario: tuple[Decimal, Offer, PlanPolicy, date, bool],
) -> None:
    balance, offer, pol, today, levers = scenario
    proposal = propose_plan(balance, "EUR", offer, pol, today, levers_allowed=levers)
    assert proposal.reason in REASONS
    assert (proposal.plan is None) == (proposal.status is PlanStatus.NEEDS_HUMAN)
    plan = proposal.plan
    if plan is None:
        return
    paid = [i.amount for i in plan.instalments]
    due = [i.due_date for i in plan.instalments]

    # Money: exact cents, exact sum, never above the balance, never a fee.
    assert sum(paid, D(0)) == plan.total
    assert all(a == a.quantize(D("0.01")) and a > 0 for a in paid)
    assert plan.total <= balance
    if plan.settlement:
        assert plan.discount == 0
    else:
        assert plan.total == balance - plan.discount
    # Split evenly, larger cents first.
    assert max(paid) - min(paid) <= D("0.01")
    assert paid == sorted(paid, reverse=True)

    # Bounds.
    assert 1 <= len(paid) <= pol.max_months
    if len(paid) > 1:
        assert all(a >= pol.min_instalment for a in paid)
    assert [i.number for i in plan.instalments] == list(range(1, len(paid) + 1))

    # Dates: first within the window, then monthly from the first date.
    assert today <= due[0] <= today + timedelta(days=pol.first_payment_within_days)
    assert all(a < b for a, b in pairwise(due))
    assert tuple(due) == schedule_dates(due[0], len(due))
    if offer.first_date is not None and due[0] != offer.first_date:
        assert proposal.status is PlanStatus.COUNTER_OFFER

    # Levers: reductions only when allowed, only for one payment, never below the floor.
    if plan.discount > 0:
        assert levers and len(paid) == 1
        offered = prompt_payment_discount(balance, pol, today)
        assert offered is not None and offered[0] == plan.discount and due[0] <= offered[1]
    if plan.settlement:
        assert levers and len(paid) == 1 and pol.settlement_floor_percent is not None
        assert plan.total < balance
        assert plan.total >= balance * pol.settlement_floor_percent / 100

    # "As requested" really is what the debtor asked for.
    if proposal.status is PlanStatus.AS_REQUESTED:
        assert proposal.reason == "fits_policy"
        if offer.lump_sum is None and offer.monthly_amount is not None:
            assert all(a <= offer.monthly_amount for a in paid)
        elif offer.lump_sum is None and offer.months is not None:
            assert len(paid) == offer.months
        if offer.lump_sum is not None and offer.lump_sum < balance:
            assert plan.settlement and plan.total == offer.lump_sum


@given(st.integers(min_value=0, max_value=10**12).map(lambda c: D(c) / 100), st.integers(1, 400))
def test_split_evenly_is_cent_exact(total: Decimal, count: int) -> None:
    parts = split_evenly(total, count)
    assert len(parts) == count
    assert sum(parts, D(0)) == total
    assert max(parts) - min(parts) <= D("0.01")
    assert list(parts) == sorted(parts, reverse=True)


@given(dates, st.integers(min_value=0, max_value=120))
def test_schedule_dates_are_monthly_and_keep_the_day(first: date, count: int) -> None:
    got = schedule_dates(first, count)
    assert len(got) == count
    for k, d in enumerate(got):
        year, month0 = divmod(first.year * 12 + first.month - 1 + k, 12)
        assert (d.year, d.month) == (year, month0 + 1)
        assert d.day == first.day or (d.day < first.day and (d + timedelta(days=1)).day == 1)


# --- split / schedule examples --------------------------------------------------------------


def test_split_puts_the_odd_cents_first() -> None:
    assert split_evenly(D("100.00"), 3) == (D("33.34"), D("33.33"), D("33.33"))
    assert split_evenly(D("0.02"), 3) == (D("0.01"), D("0.01"), D("0.00"))


def test_split_rejects_fractions_of_a_cent_and_zero_parts() -> None:
    with pytest.raises(ValueError):
        split_evenly(D("10.001"), 2)
    with pytest.raises(ValueError):
        split_evenly(D("10.00"), 0)


def test_month_end_dates_clamp_to_february() -> None:
    assert schedule_dates(date(2025, 1, 31), 4) == (
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
    )
    assert schedule_dates(date(2024, 1, 30), 2)[1] == date(2024, 2, 29)


def test_month_end_does_not_drift_after_february() -> None:
    # Computed from the first date each time, so March is back on the 31st.
    assert schedule_dates(date(2025, 1, 31), 3)[2] == date(2025, 3, 31)


# --- months / monthly offers -----------------------------------------------------------------


def test_months_offer_inside_bounds_is_accepted() -> None:
    proposal = propose_plan(D("480.00"), "EUR", Offer(months=4), policy(), TODAY)
    assert proposal.status is PlanStatus.AS_REQUESTED
    assert proposal.reason == "fits_policy"
    assert amounts(proposal) == [D("120.00")] * 4


def test_months_offer_above_max_months_is_countered_with_max() -> None:
    proposal = propose_plan(D("1200.00"), "EUR", Offer(months=10), policy(), TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert proposal.reason == "exceeds_max_months"
    assert amounts(proposal) == [D("200.00")] * 6


def test_months_offer_with_too_small_instalments_is_shortened() -> None:
    proposal = propose_plan(D("230.00"), "EUR", Offer(months=6), policy(), TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert proposal.reason == "below_min_instalment"
    assert amounts(proposal) == [D("57.50")] * 4


def test_monthly_offer_that_fits_never_exceeds_the_offered_amount() -> None:
    proposal = propose_plan(D("500.00"), "EUR", Offer(monthly_amount=D("120")), policy(), TODAY)
    assert proposal.status is PlanStatus.AS_REQUESTED
    assert amounts(proposal) == [D("100.00")] * 5


def test_monthly_offer_below_minimum_gets_counter_offer() -> None:
    proposal = propose_plan(D("120.00"), "EUR", Offer(monthly_amount=D("30.00")), policy(), TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert proposal.reason == "below_min_instalment"
    assert amounts(proposal) == [D("60.00"), D("60.00")]


def test_monthly_offer_needing_too_many_months_is_countered() -> None:
    proposal = propose_plan(D("1000.00"), "EUR", Offer(monthly_amount=D("100")), policy(), TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert proposal.reason == "exceeds_max_months"
    assert amounts(proposal) == [D("166.67")] * 4 + [D("166.66")] * 2


def test_small_balance_is_one_payment_even_below_the_minimum() -> None:
    proposal = propose_plan(D("30.00"), "EUR", Offer(months=3), policy(), TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert amounts(proposal) == [D("30.00")]


def test_amount_and_months_that_disagree_are_countered() -> None:
    offer = Offer(monthly_amount=D("100"), months=3)
    proposal = propose_plan(D("500.00"), "EUR", offer, policy(), TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert proposal.reason == "amount_and_months_disagree"
    assert amounts(proposal) == [D("100.00")] * 5


def test_empty_offer_gets_the_longest_default_plan() -> None:
    proposal = propose_plan(D("250.00"), "EUR", Offer(), policy(), TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert proposal.reason == "no_offer"
    assert amounts(proposal) == [D("50.00")] * 5
    assert proposal.plan is not None
    assert proposal.plan.instalments[0].due_date == TODAY + timedelta(days=14)


def test_plan_never_adds_a_fee() -> None:
    proposal = propose_plan(D("333.33"), "USD", Offer(months=3), policy(), TODAY)
    assert proposal.plan is not None
    assert proposal.plan.total == D("333.33")
    assert proposal.plan.discount == 0
    assert proposal.plan.currency == "USD"


# --- first date -------------------------------------------------------------------------------


def test_requested_first_date_inside_window_is_kept() -> None:
    offer = Offer(months=2, first_date=TODAY + timedelta(days=5))
    proposal = propose_plan(D("200.00"), "EUR", offer, policy(), TODAY)
    assert proposal.status is PlanStatus.AS_REQUESTED
    assert proposal.plan is not None
    assert [i.due_date for i in proposal.plan.instalments] == [date(2025, 3, 15), date(2025, 4, 15)]


def test_first_date_beyond_window_is_countered_start_too_late() -> None:
    offer = Offer(months=2, first_date=TODAY + timedelta(days=40))
    proposal = propose_plan(D("200.00"), "EUR", offer, policy(), TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert proposal.reason == "start_too_late"
    assert proposal.plan is not None
    assert proposal.plan.instalments[0].due_date == TODAY + timedelta(days=14)


def test_first_date_in_the_past_is_moved_into_the_window() -> None:
    offer = Offer(months=2, first_date=TODAY - timedelta(days=1))
    proposal = propose_plan(D("200.00"), "EUR", offer, policy(), TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert proposal.reason == "start_in_past"


def test_amount_reason_wins_over_start_reason() -> None:
    offer = Offer(months=12, first_date=TODAY + timedelta(days=90))
    proposal = propose_plan(D("600.00"), "EUR", offer, policy(), TODAY)
    assert proposal.reason == "exceeds_max_months"


# --- settlement -------------------------------------------------------------------------------


def test_settlement_above_floor_is_accepted_as_settlement() -> None:
    pol = policy(settlement_floor_percent=D("80"))
    proposal = propose_plan(D("1000.00"), "EUR", Offer(lump_sum=D("900")), pol, TODAY)
    assert proposal.status is PlanStatus.AS_REQUESTED
    assert proposal.plan is not None
    assert proposal.plan.settlement is True
    assert amounts(proposal) == [D("900.00")]
    assert proposal.plan.total == D("900.00")


def test_settlement_below_floor_is_countered() -> None:
    pol = policy(settlement_floor_percent=D("80"))
    proposal = propose_plan(D("1000.00"), "EUR", Offer(lump_sum=D("500")), pol, TODAY)
    assert proposal.status is PlanStatus.COUNTER_OFFER
    assert proposal.reason == "below_settlement_floor"
    assert proposal.plan is not None and proposal.plan.settlement
    assert amounts(proposal) == [D("800.00")]


def test_settlement_floor_rounds_up_never_below() -> None:
    pol = policy(settlement_floor_percent=D("90"))
    proposal = propose_plan(D("100.01"), "EUR", Offer(lump_sum=D("50")), pol, TODAY)
    # 90 % of 100.01 is 90.009: the counter must not be 90.00 or 90.01 rounded down.
    assert amounts(proposal) == [D("90.01")]


def test_settlement_without_floor_goes_to_a_person() -> None:
    proposal = propose_plan(D("1000.00"), "EUR", Offer(lump_sum=D("900")), policy(), TODAY)
    assert proposal == PlanProposal(PlanStatus.NEEDS_HUMAN, None, "settlement_not_offered")


def test_settlement_when_levers_off_goes_to_a_person() -> None:
    pol = policy(settlement_floor_percent=D("50"))
    proposal = propose_plan(
        D("1000.00"), "EUR", Offer(lump_sum=D("900")), pol, TODAY, levers_allowed=False
    )
    assert proposal == PlanProposal(PlanStatus.NEEDS_HUMAN, None, "settlement_not_offered")


def test_lump_sum_above_balance_takes_only_the_balance() -> None:
    proposal = propose_plan(D("300.00"), "GBP", Offer(lump_sum=D("350")), policy(), TODAY)
    assert proposal.status is PlanStatus.AS_REQUESTED
    assert proposal.plan is not None
    assert proposal.plan.total == D("300.00") and not proposal.plan.settlement


# --- prompt-payment discount ------------------------------------------------------------------


def discount_policy() -> PlanPolicy:
    return policy(prompt_discount_percent=D("5"), prompt_discount_days=20)


def test_prompt_payment_discount_has_a_real_deadline() -> None:
    assert prompt_payment_discount(D("1480.00"), discount_policy(), TODAY) == (
        D("74.00"),
        date(2025, 3, 30),
    )
    assert prompt_payment_discount(D("1480.00"), policy(), TODAY) is None
    assert prompt_payment_discount(D("0.01"), discount_policy(), TODAY) is None


def test_single_prompt_payment_gets_the_discount() -> None:
    proposal = propose_plan(D("1480.00"), "EUR", Offer(months=1), discount_policy(), TODAY)
    assert proposal.status is PlanStatus.AS_REQUESTED
    assert proposal.plan is not None
    assert proposal.plan.total == D("1406.00")
    assert proposal.plan.discount == D("74.00")
    assert amounts(proposal) == [D("1406.00")]


def test_no_discount_when_levers_off() -> None:
    proposal = propose_plan(
        D("1480.00"), "EUR", Offer(months=1), discount_policy(), TODAY, levers_allowed=False
    )
    assert proposal.plan is not None
    assert proposal.plan.total == D("1480.00") and proposal.plan.discount == 0


def test_no_discount_for_a_multi_instalment_plan() -> None:
    proposal = propose_plan(D("1480.00"), "EUR", Offer(months=2), discount_policy(), TODAY)
    assert proposal.plan is not None
    assert proposal.plan.discount == 0 and proposal.plan.total == D("1480.00")


def test_no_discount_when_payment_falls_after_the_deadline() -> None:
    pol = policy(prompt_discount_percent=D("5"), prompt_discount_days=3)
    offer = Offer(months=1, first_date=TODAY + timedelta(days=10))
    proposal = propose_plan(D("1480.00"), "EUR", offer, pol, TODAY)
    assert proposal.plan is not None and proposal.plan.discount == 0


def test_no_discount_on_top_of_a_settlement() -> None:
    pol = policy(
        prompt_discount_percent=D("5"), prompt_discount_days=20, settlement_floor_percent=D("80")
    )
    proposal = propose_plan(D("1000.00"), "EUR", Offer(lump_sum=D("850")), pol, TODAY)
    assert proposal.plan is not None
    assert proposal.plan.total == D("850.00") and proposal.plan.discount == 0


# --- refusals and validation ------------------------------------------------------------------


@pytest.mark.parametrize("balance", [D("0"), D("-10.00")])
def test_balance_not_positive_goes_to_a_person(balance: Decimal) -> None:
    proposal = propose_plan(balance, "EUR", Offer(months=2), policy(), TODAY)
    assert proposal == PlanProposal(PlanStatus.NEEDS_HUMAN, None, "balance_not_positive")


@pytest.mark.parametrize(
    "offer",
    [Offer(months=0), Offer(monthly_amount=D("0")), Offer(lump_sum=D("-5")), Offer(months=-1)],
)
def test_nonsense_offer_goes_to_a_person(offer: Offer) -> None:
    proposal = propose_plan(D("100.00"), "EUR", offer, policy(), TODAY)
    assert proposal == PlanProposal(PlanStatus.NEEDS_HUMAN, None, "invalid_offer")


def test_absurdly_large_offer_amounts_do_not_crash() -> None:
    proposal = propose_plan(D("100.00"), "EUR", Offer(monthly_amount=D("1E+40")), policy(), TODAY)
    assert amounts(proposal) == [D("100.00")]


def test_unsupported_currency_and_sub_cent_balance_are_rejected() -> None:
    with pytest.raises(ValueError):
        propose_plan(D("100.00"), "JPY", Offer(), policy(), TODAY)
    with pytest.raises(ValueError):
        propose_plan(D("100.005"), "EUR", Offer(), policy(), TODAY)


@pytest.mark.parametrize(
    "overrides",
    [
        {"max_months": 0},
        {"first_payment_within_days": -1},
        {"min_instalment": D("-1")},
        {"min_instalment": D("10.001")},
        {"prompt_discount_percent": D("5")},
        {"prompt_discount_percent": D("100"), "prompt_discount_days": 5},
        {"settlement_floor_percent": D("0")},
        {"settlement_floor_percent": D("101")},
    ],
)
def test_bad_policy_fails_at_load_time(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        policy(**overrides)


def test_plan_refuses_instalments_that_do_not_add_up() -> None:
    with pytest.raises(ValueError):
        Plan("EUR", D("10.00"), (Instalment(1, TODAY, D("9.99")),))
