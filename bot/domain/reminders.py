"""Which follow-ups a debt calls for, and what each one says. Plain functions, no database.

The ladder is the creditor's (days relative to each due date, at a local hour). The rules
come from shared/domain/method.md: a plan in good standing gets only its instalment
reminders; an open promise means nothing else before its date plus the grace period; after
the grace period a check asks what happened. Every reminder opens with a question or an
offer of help, carries no amount (it may reach the debtor before they proved who they are,
compliance G-03) and the lines the preset makes mandatory (G-01, G-04).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.texts import Language, render

# Kinds of reminder; the "check" kinds first look at the facts and may not send anything.
BEFORE_DUE = "before_due"
DUE_DAY = "due_day"
AFTER_DUE = "after_due"
INSTALMENT = "instalment"
INSTALMENT_CHECK = "instalment_check"
PROMISE_CHECK = "promise_check"
KINDS = (BEFORE_DUE, DUE_DAY, AFTER_DUE, INSTALMENT, INSTALMENT_CHECK, PROMISE_CHECK)


@dataclass(frozen=True)
class LadderPolicy:
    offsets: tuple[int, ...]  # days relative to the due date, e.g. (-3, 0, 7, 21)
    hour: int  # local hour of the debtor
    instalment_days_before: int
    grace_days: int


@dataclass(frozen=True)
class InstalmentFacts:
    id: int
    due_on: date
    amount: Decimal
    paid_amount: Decimal

    @property
    def settled(self) -> bool:
        return self.paid_amount >= self.amount


@dataclass(frozen=True)
class PromiseFacts:
    id: int
    promised_on: date


@dataclass(frozen=True)
class DebtFacts:
    debt_id: int
    due_on: date
    collectable: bool  # open, something due, collection not paused
    instalments: tuple[InstalmentFacts, ...] = ()  # of the accepted plan, if any
    open_promises: tuple[PromiseFacts, ...] = ()


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str
    at: datetime  # aware UTC
    step: int = 0
    instalment_id: int | None = None
    promise_id: int | None = None


def local_instant(day: date, hour: int, zone_name: str) -> datetime:
    """``hour`` o'clock on ``day`` in the debtor's zone, as UTC (UTC if the zone is unknown:
    the guard denies those anyway, G-13)."""
    try:
        zone: ZoneInfo | timezone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.utc
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(timezone.utc)


def plan_reminders(
    facts: DebtFacts, policy: LadderPolicy, zone: str, now: datetime
) -> list[Planned]:
    """Every reminder these facts call for from ``now`` on (keys are stable: planning the
    same facts again yields the same keys, so the caller adds only what is new)."""
    if not facts.collectable:
        return []
    grace = timedelta(days=policy.grace_days)
    planned: list[Planned] = []
    for promise in facts.open_promises:
        at = local_instant(promise.promised_on + grace, policy.hour, zone)
        planned.append(
            Planned(f"promise:{promise.id}:check", PROMISE_CHECK, at, 0, None, promise.id)
        )
    quiet_until = max(
        (p.at for p in planned), default=None
    )  # an open promise: nothing else before its date + grace

    if facts.instalments:  # a plan in good standing: only its own reminders
        for number, instalment in enumerate(facts.instalments):
            if instalment.settled:
                continue
            before = instalment.due_on - timedelta(days=policy.instalment_days_before)
            planned.append(
                Planned(
                    f"instalment:{instalment.id}:before",
                    INSTALMENT,
                    local_instant(before, policy.hour, zone),
                    number,
                    instalment.id,
                )
            )
            planned.append(
                Planned(
                    f"instalment:{instalment.id}:check",
                    INSTALMENT_CHECK,
                    local_instant(instalment.due_on + grace, policy.hour, zone),
                    number,
                    instalment.id,
                )
            )
        return [p for p in planned if _keep(p, now, quiet_until)]

    ladder: list[Planned] = []
    for step, offset in enumerate(sorted(set(policy.offsets))):
        kind = BEFORE_DUE if offset < 0 else DUE_DAY if offset == 0 else AFTER_DUE
        at = local_instant(facts.due_on + timedelta(days=offset), policy.hour, zone)
        ladder.append(Planned(f"debt:{facts.debt_id}:{offset:+d}", kind, at, step))
    future = [p for p in ladder if p.at >= now]
    past_follow_ups = [p for p in ladder if p.at < now and p.kind == AFTER_DUE]
    if past_follow_ups:  # a debt first seen late: one catch-up now, not the whole ladder
        latest = past_follow_ups[-1]
        future.insert(0, Planned(latest.key, latest.kind, now, latest.step))
    planned.extend(future)
    return [p for p in planned if _keep(p, now, quiet_until)]


def called_for(facts: DebtFacts, policy: LadderPolicy, zone: str) -> set[str]:
    """Keys these facts justify at any time: a scheduled reminder whose key is not here was
    made pointless (paid, plan agreed, promise kept…); one merely late is still called for."""
    earliest = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return {p.key for p in plan_reminders(facts, policy, zone, earliest)}


def _keep(planned: Planned, now: datetime, quiet_until: datetime | None) -> bool:
    if planned.kind == PROMISE_CHECK:
        return True
    if quiet_until is not None and planned.at < quiet_until:
        return False
    return planned.at >= now or planned.kind == INSTALMENT_CHECK


# --- wording --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Composed:
    template: str  # template id, audited with the guard's decision (G-12)
    text: str
    lines: frozenset[str]  # mandatory-line kinds this text carries (checked by the guard)


BODY = {
    BEFORE_DUE: "reminder_before_due",
    DUE_DAY: "reminder_due_day",
    AFTER_DUE: "reminder_after_due",
    INSTALMENT: "reminder_instalment",
    INSTALMENT_CHECK: "reminder_missed_instalment",
    PROMISE_CHECK: "reminder_broken_promise",
}


def compose(
    kind: str,
    language: Language,
    *,
    creditor: str,
    human_contact: str,
    greeting_name: str,
    channel: str,
    with_us_validation: bool,
    promised_on: str = "",
    reply_link: str = "",
    unsubscribe_link: str = "",
) -> Composed:
    """The reminder's text: the body (an open question), then the mandatory lines."""
    hello = render(
        "reminder_hello_name" if greeting_name else "reminder_hello", language, name=greeting_name
    )
    parts = [
        hello,
        render("reminder_disclosure", language, creditor=creditor),
        render(BODY[kind], language, date=promised_on),
    ]
    lines = {"bot_disclosure", "creditor_identity"}
    if reply_link:
        parts.append(render("reminder_reply_link", language, link=reply_link))
    if human_contact:
        parts.append(render("reminder_human_contact", language, contact=human_contact))
    else:
        parts.append(render("reminder_human", language))
    lines.add("human_contact")
    if channel == "email" and unsubscribe_link:
        parts.append(render("reminder_unsubscribe", language, link=unsubscribe_link))
    else:
        parts.append(render("reminder_stop", language))
    lines.add("opt_out")
    if with_us_validation:
        parts.append(render("reminder_us_validation", language, creditor=creditor))
        lines.add("us_validation")
    return Composed(f"{BODY[kind]}.v1", "\n\n".join(parts), frozenset(lines))
