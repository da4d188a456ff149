"""Payment-plan engine (method.md cards 000-7 and 004-4).

The bot may only *grant* inside the creditor's bounds (compliance G-14): every plan built here
respects the minimum instalment, the maximum number of months and the first-payment window,
never exceeds the ledger balance and never adds a fee (G-10). Anything the bot may not decide
comes back as ``NEEDS_HUMAN`` so a person takes it.

Pure functions only: no I/O, no clock (``today`` is passed in), so the rules are testable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from enum import Enum
from typing import Final

from dateutil.relativedelta import relativedelta

__all__ = [
    "CENT",
    "REASONS",
    "SUPPORTED_CURRENCIES",
    "Instalment",
    "Offer",
    "Plan",
    "PlanPolicy",
    "PlanProposal",
    "PlanStatus",
    "prompt_payment_discount",
    "propose_plan",
    "schedule_dates",
    "split_evenly",
]

CENT: Final = Decimal("0.01")
_HUNDRED: Final = Decimal(100)

#: Two-decimal currencies only; a zero- or three-decimal currency would need other quantization.
SUPPORTED_CURRENCIES: Final = frozenset({"EUR", "USD", "GBP"})

# Stable reason codes: templates and analytics key on them, so never rename one.
FITS_POLICY: Final = "fits_policy"
NO_OFFER: Final = "no_offer"
BELOW_MIN_INSTALMENT: Final = "below_min_instalment"
EXCEEDS_MAX_MONTHS: Final = "exceeds_max_months"
AMOUNT_AND_MONTHS_DISAGREE: Final = "amount_and_months_disagree"
START_TOO_LATE: Final = "start_too_late"
START_IN_PAST: Final = "start_in_past"
BELOW_SETTLEMENT_FLOOR: Final = "below_settlement_floor"
SETTLEMENT_NOT_OFFERED: Final = "settlement_not_offered"
BALANCE_NOT_POSITIVE: Final = "balance_not_positive"
INVALID_OFFER: Final = "invalid_offer"

REASONS: Final = frozenset(
    {
        FITS_POLICY,
        NO_OFFER,
        BELOW_MIN_INSTALMENT,
        EXCEEDS_MAX_MONTHS,
        AMOUNT_AND_MONTHS_DISAGREE,
        START_TOO_LATE,
        START_IN_PAST,
        BELOW_SETTLEMENT_FLOOR,
        SETTLEMENT_NOT_OFFERED,
        BALANCE_NOT_POSITIVE,
        INVALID_OFFER,
    }
)


class PlanStatus(str, Enum):
    """What the bot may say next: accept, counter within bounds, or hand over to a person."""

    AS_REQUESTED = "as_requested"
    COUNTER_OFFER = "counter_offer"
    NEEDS_HUMAN = "needs_human"


def _is_cents(amount: Decimal) -> bool:
    """True for a finite whole number of cents (never raises, even for absurd magnitudes)."""
    if not amount.is_finite():
        return False
    scaled = amount * 100
    return scaled == scaled.to_integral_value()


def _cents(amount: Decimal) -> Decimal:
    """Quantize to cents the house way, so every amount shown matches the ledger format."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PlanPolicy:
    """The creditor's bounds; the bot grants inside them and hands everything else to a person."""

    min_instalment: Decimal
    max_months: int
    first_payment_within_days: int
    prompt_discount_percent: Decimal | None = None
    prompt_discount_days: int | None = None
    settlement_floor_percent: Decimal | None = None

    def __post_init__(self) -> None:
        # A bad configuration must fail loudly at load time, not produce an odd plan later.
        if not _is_cents(self.min_instalment) or self.min_instalment < 0:
            raise ValueError("min_instalment must be a non-negative amount in cents")
        if self.max_months < 1:
            raise ValueError("max_months must be >= 1")
        if self.first_payment_within_days < 0:
            raise ValueError("first_payment_within_days must be >= 0")
        if (self.prompt_discount_percent is None) != (self.prompt_discount_days is None):
            raise ValueError("prompt discount needs both a percent and a number of days")
        pct = self.prompt_discount_percent
        if pct is not None and not (pct.is_finite() and 0 < pct < _HUNDRED):
            raise ValueError("prompt_discount_percent must be in (0, 100)")
        if self.prompt_discount_days is not None and self.prompt_discount_days < 0:
            raise ValueError("prompt_discount_days must be >= 0")
        floor = self.settlement_floor_percent
        if floor is not None and not (floor.is_finite() and 0 < floor <= _HUNDRED):
            raise ValueError("settlement_floor_percent must be in (0, 100]")


@dataclass(frozen=True)
class Offer:
    """What the debtor said, as extracted by NLU; unchecked because it is untrusted input."""

    monthly_amount: Decimal | None = None
    months: int | None = None
    lump_sum: Decimal | None = None
    first_date: date | None = None

    @property
    def is_empty(self) -> bool:
        return (
            self.monthly_amount is None
            and self.months is None
            and self.lump_sum is None
            and self.first_date is None
        )


@dataclass(frozen=True)
class Instalment:
    """One dated payment; ``number`` starts at 1 so it can be shown as is."""

    number: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class Plan:
    """A schedule whose instalments always add up exactly to ``total`` (checked on creation)."""

    currency: str
    total: Decimal
    instalments: tuple[Instalment, ...]
    settlement: bool = False
    discount: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        # Cheap guard: a recap that does not add up would be a false statement (G-09, G-10).
        if not self.instalments:
            raise ValueError("a plan needs at least one instalment")
        if sum((i.amount for i in self.instalments), Decimal("0")) != self.total:
            raise ValueError("instalments must sum exactly to the plan total")
        if [i.number for i in self.instalments] != list(range(1, len(self.instalments) + 1)):
            raise ValueError("instalments must be numbered 1..n")
        if self.discount < 0:
            raise ValueError("discount cannot be negative")


@dataclass(frozen=True)
class PlanProposal:
    """Engine answer: status for the dialogue, plan (None for a person), stable reason code."""

    status: PlanStatus
    plan: Plan | None
    reason: str


def split_evenly(total: Decimal, count: int) -> tuple[Decimal, ...]:
    """Split ``total`` into ``count`` cent amounts that sum exactly; larger cents come first.

    Front-loading the odd cents keeps later (harder) months no bigger than earlier ones.
    """
    if count < 1:
        raise ValueError("count must be >= 1")
    if not _is_cents(total) or total < 0:
        raise ValueError("total must be a non-negative amount in cents")
    cents = int(total * 100)
    base, extra = divmod(cents, count)
    return tuple(_cents(Decimal(base + (1 if i < extra else 0)) / _HUNDRED) for i in range(count))


def schedule_dates(first: date, count: int) -> tuple[date, ...]:
    """Monthly dates on ``first``'s day of month, clamped to short months.

    Each date is computed from ``first`` (not from the previous date) so 31 Jan gives
    28/29 Feb and then 31 Mar again, instead of drifting to the 28th for good.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    return tuple(first + relativedelta(months=i) for i in range(count))


def prompt_payment_discount(
    balance: Decimal, policy: PlanPolicy, today: date
) -> tuple[Decimal, date] | None:
    """The configured prompt-payment discount and its real deadline (card 004-2a), or None.

    Returns None when nothing is configured or the discount would round to zero or swallow the
    whole balance, so the bot never announces a meaningless or invented gesture.
    """
    if policy.prompt_discount_percent is None or policy.prompt_discount_days is None:
        return None
    if balance <= 0:
        return None
    discount = _cents(balance * policy.prompt_discount_percent / _HUNDRED)
    if discount <= 0 or discount >= balance:
        return None
    return discount, today + timedelta(days=policy.prompt_discount_days)


def _capped_cents(amount: Decimal, balance: Decimal) -> Decimal:
    """Debtor amount in cents, capped at the balance (nothing above it is ever taken).

    Capping first also keeps an absurd NLU value from overflowing the decimal context.
    """
    return _cents(min(amount, balance))


def _offer_is_valid(offer: Offer, balance: Decimal) -> bool:
    """Untrusted NLU values: zero/negative amounts or terms cannot be planned by the bot."""
    if offer.months is not None and offer.months < 1:
        return False
    for amount in (offer.monthly_amount, offer.lump_sum):
        if amount is not None and not (amount.is_finite() and _capped_cents(amount, balance) > 0):
            return False
    return True


def _first_due(offer: Offer, policy: PlanPolicy, today: date) -> tuple[date, str | None]:
    """First due date inside the creditor's window, plus a reason when the request was moved."""
    latest = today + timedelta(days=policy.first_payment_within_days)
    wanted = offer.first_date
    if wanted is None:
        return latest, None
    if wanted > latest:
        return latest, START_TOO_LATE
    if wanted < today:
        return latest, START_IN_PAST
    return wanted, None


def _effective_min(policy: PlanPolicy) -> Decimal:
    """The policy minimum, but at least one cent: a zero-amount instalment is not a payment."""
    return max(policy.min_instalment, CENT)


def _max_count_for_min(balance: Decimal, policy: PlanPolicy) -> int:
    """Most instalments that keep each one >= the minimum (at least one payment)."""
    return max(1, int(balance // _effective_min(policy)))


def _default_count(balance: Decimal, policy: PlanPolicy) -> int:
    """Longest plan the policy allows: smallest instalments the creditor accepts."""
    return min(policy.max_months, _max_count_for_min(balance, policy))


def _clamp_count(balance: Decimal, wanted: int, policy: PlanPolicy) -> tuple[int, str | None]:
    """Bring a requested count inside the bounds; the reason names the binding limit."""
    count, reason = wanted, None
    if count > policy.max_months:
        count, reason = policy.max_months, EXCEEDS_MAX_MONTHS
    if count > 1 and balance < _effective_min(policy) * count:
        count, reason = _max_count_for_min(balance, policy), BELOW_MIN_INSTALMENT
    return count, reason


def _build(
    balance: Decimal,
    currency: str,
    total: Decimal,
    count: int,
    first: date,
    *,
    settlement: bool = False,
) -> Plan:
    amounts = split_evenly(total, count)
    dates = schedule_dates(first, count)
    instalments = tuple(
        Instalment(number=i + 1, due_date=d, amount=a)
        for i, (d, a) in enumerate(zip(dates, amounts, strict=True))
    )
    discount = Decimal("0") if settlement else balance - total
    return Plan(
        currency=currency,
        total=total,
        instalments=instalments,
        settlement=settlement,
        discount=discount,
    )


def _with_discount(
    balance: Decimal,
    currency: str,
    count: int,
    first: date,
    policy: PlanPolicy,
    today: date,
    levers_allowed: bool,
) -> Plan:
    """Build a full-balance plan, granting the prompt discount only to a single timely payment."""
    total = balance
    if levers_allowed and count == 1:
        offered = prompt_payment_discount(balance, policy, today)
        if offered is not None and first <= offered[1]:
            total = balance - offered[0]
    return _build(balance, currency, total, count, first)


def _proposal(plan: Plan, amount_reason: str | None, start_reason: str | None) -> PlanProposal:
    # The amount/term reason wins: it matters more to the debtor than a moved date.
    reason = amount_reason or start_reason
    if reason is None:
        return PlanProposal(PlanStatus.AS_REQUESTED, plan, FITS_POLICY)
    return PlanProposal(PlanStatus.COUNTER_OFFER, plan, reason)


def _lump_sum_proposal(
    balance: Decimal,
    currency: str,
    lump: Decimal,
    first: date,
    start_reason: str | None,
    policy: PlanPolicy,
    today: date,
    levers_allowed: bool,
) -> PlanProposal:
    """Card 004-4: a reduced lump sum only above the configured floor; otherwise a person."""
    if lump >= balance:
        # Never take more than is owed: a larger offer becomes one payment of the balance.
        plan = _with_discount(balance, currency, 1, first, policy, today, levers_allowed)
        return _proposal(plan, None, start_reason)
    floor_pct = policy.settlement_floor_percent
    if not levers_allowed or floor_pct is None:
        # Only a person may accept or refuse a reduction the bot has no mandate for (G-14).
        return PlanProposal(PlanStatus.NEEDS_HUMAN, None, SETTLEMENT_NOT_OFFERED)
    exact_floor = balance * floor_pct / _HUNDRED
    if lump >= exact_floor:
        plan = _build(balance, currency, lump, 1, first, settlement=True)
        return _proposal(plan, None, start_reason)
    # Round the floor *up* to the cent: rounding half-up could land a fraction below it.
    floor_amount = exact_floor.quantize(CENT, rounding=ROUND_UP)
    if floor_amount >= balance:
        plan = _build(balance, currency, balance, 1, first)
    else:
        plan = _build(balance, currency, floor_amount, 1, first, settlement=True)
    return PlanProposal(PlanStatus.COUNTER_OFFER, plan, BELOW_SETTLEMENT_FLOOR)


def propose_plan(
    balance: Decimal,
    currency: str,
    offer: Offer,
    policy: PlanPolicy,
    today: date,
    *,
    levers_allowed: bool = True,
) -> PlanProposal:
    """Answer a debtor's offer with a plan inside the creditor's bounds, or hand over.

    ``levers_allowed`` is False for a vulnerable debtor, an open dispute and the like (method.md
    section 5): plans stay possible but no discount and no reduced settlement are granted.
    Offer precedence: lump sum, then monthly amount (the debtor's real capacity), then months.
    Raises ValueError for an unsupported currency or a balance not in cents (a ledger bug).
    """
    if currency not in SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported currency {currency!r}")
    if not _is_cents(balance):
        raise ValueError("balance must be a finite amount in cents")
    if balance <= 0:
        return PlanProposal(PlanStatus.NEEDS_HUMAN, None, BALANCE_NOT_POSITIVE)
    if not _offer_is_valid(offer, balance):
        return PlanProposal(PlanStatus.NEEDS_HUMAN, None, INVALID_OFFER)

    first, start_reason = _first_due(offer, policy, today)

    if offer.lump_sum is not None:
        return _lump_sum_proposal(
            balance,
            currency,
            _capped_cents(offer.lump_sum, balance),
            first,
            start_reason,
            policy,
            today,
            levers_allowed,
        )

    amount_reason: str | None
    if offer.monthly_amount is not None:
        monthly = _capped_cents(offer.monthly_amount, balance)
        whole, rest = divmod(balance, monthly)  # ceil: enough payments of at most `monthly`
        count, amount_reason = _clamp_count(balance, int(whole) + (1 if rest else 0), policy)
        if amount_reason is None and offer.months is not None and offer.months != count:
            amount_reason = AMOUNT_AND_MONTHS_DISAGREE
    elif offer.months is not None:
        count, amount_reason = _clamp_count(balance, offer.months, policy)
    else:
        count, amount_reason = _default_count(balance, policy), NO_OFFER

    plan = _with_discount(balance, currency, count, first, policy, today, levers_allowed)
    return _proposal(plan, amount_reason, start_reason)
