"""`make bench` part 2: a simulated year of follow-ups, and the cost of scheduling.

1. One year of DEBTORS debtors (four creditors, one per preset; zones in France, the US and
   the UK, a few unknown) with random due dates, payments, promises (kept or broken),
   instalment plans, disputes (some resolved), opt-outs, vulnerability flags and debtor
   messages. The real planning, guard and sending code (bot/services/reminders.py,
   bot/services/payments.py) runs on a SQLite database with a simulated clock; the channel
   is simulated (1 % of sends refused, then retried). Then an independent checker, written
   from shared/domain/compliance.md and not calling the guard, counts violations.
2. How long planning 100,000 reminders takes (the whole book at once, bulk), and how fast
   APScheduler's SQLAlchemy job store takes jobs.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import (  # noqa: E402
    AuditEvent,
    ChannelBinding,
    Conversation,
    Creditor,
    Debt,
    Debtor,
    Dispute,
    Instalment,
    Message,
    OptOut,
    PaymentPlan,
    Promise,
    Reminder,
)
from bot.db.session import make_engine, make_session_factory  # noqa: E402
from bot.domain.compliance import FORBIDDEN_WORDS  # noqa: E402
from bot.services import payments, reminders  # noqa: E402

UTC = timezone.utc
START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)
PRESETS = {
    "FR-B2C": (["Europe/Paris"], "FR"),
    "FR-B2B": (["Europe/Paris"], "FR"),
    "US-consumer": (["America/New_York", "America/Chicago", "America/Los_Angeles"], "US"),
    "UK-consumer": (["Europe/London"], "GB"),
}
SHARE = {"FR-B2C": 0.5, "FR-B2B": 0.15, "US-consumer": 0.2, "UK-consumer": 0.15}
# The rules as the checker reads compliance.md §6 (written out again on purpose).
WINDOWS = {  # weekday window, Saturday window (None: no Saturday), caps day/7/30, cool-down
    "FR-B2C": ((8, 20), (9, 18), (1, 2, 4), 3),
    "FR-B2B": ((8, 19), None, (1, 3, 8), 3),
    "US-consumer": ((8, 20), (9, 18), (1, 2, 6), 7),
    "UK-consumer": ((8, 20), (9, 18), (1, 2, 6), 3),
}


@dataclass
class Truth:
    """What happened to whom and when, kept by the simulation for the checker."""

    preset: dict[int, str] = field(default_factory=dict)  # debtor → preset
    zone: dict[int, str] = field(default_factory=dict)
    opted_out: dict[int, datetime] = field(default_factory=dict)
    vulnerable: dict[int, datetime] = field(default_factory=dict)
    disputes: dict[int, tuple[datetime, datetime | None]] = field(default_factory=dict)  # debt
    paid: dict[int, datetime] = field(default_factory=dict)  # debt fully paid at
    messages: dict[int, list[datetime]] = field(default_factory=lambda: defaultdict(list))


@dataclass(order=True)
class Event:
    at: datetime
    kind: str = field(compare=False)
    debt_id: int = field(compare=False)
    data: dict[str, object] = field(compare=False, default_factory=dict)


def populate(session: Session, count: int, rng: random.Random, truth: Truth) -> list[Event]:
    creditors = {}
    for name in PRESETS:
        creditor = Creditor(
            slug=name.lower(),
            name=f"Créancier {name}",
            jurisdiction_preset=name,
            currency="EUR"
            if name.startswith("FR")
            else ("USD" if name.startswith("US") else "GBP"),
            human_contact="01 23 45 67 89",
            levers=[],
        )
        session.add(creditor)
        creditors[name] = creditor
    session.flush()
    events: list[Event] = []
    names = list(SHARE)
    weights = [SHARE[n] for n in names]
    for n in range(count):
        preset = rng.choices(names, weights)[0]
        zones, _ = PRESETS[preset]
        zone = rng.choice(zones) if rng.random() > 0.005 else "Unknown/Nowhere"
        creditor = creditors[preset]
        debtor = Debtor(
            creditor_id=creditor.id,
            external_ref=f"D{n}",
            kind="business" if preset == "FR-B2B" else "consumer",
            salutation="Mme" if n % 2 else "M.",
            last_name=f"Nom{n}",
            company_name=f"Société {n}" if preset == "FR-B2B" else "",
            language="fr" if preset.startswith("FR") else "en",
            email=f"d{n}@example.org" if rng.random() < 0.6 else "",
            timezone=zone,
            identity_kind="postcode",
            identity_hash="x",
        )
        session.add(debtor)
        session.flush()
        if rng.random() < 0.25:
            session.add(ChannelBinding(debtor_id=debtor.id, channel="telegram", address=str(n)))
        due = (START + timedelta(days=rng.randrange(0, 365))).date()
        amount = Decimal(rng.randrange(50, 3000))
        debt = Debt(
            creditor_id=creditor.id,
            debtor_id=debtor.id,
            invoice_number=f"F-{n}",
            issued_on=due - timedelta(days=30),
            due_on=due,
            amount_original=amount,
            amount_due=amount,
            currency=creditor.currency,
        )
        session.add(debt)
        session.flush()
        truth.preset[debtor.id], truth.zone[debtor.id] = preset, zone
        events.extend(debtor_events(rng, debt, amount))
    return sorted(events)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, dtime(rng.randrange(0, 24), rng.randrange(0, 60)), tzinfo=UTC)


def debtor_events(rng: random.Random, debt: Debt, amount: Decimal) -> list[Event]:
    due, out = debt.due_on, []
    r = rng.random()
    if r < 0.45:  # pays on their own, around the due date
        out.append(
            Event(
                _at(due + timedelta(days=rng.randrange(-10, 40)), rng),
                "pay",
                debt.id,
                {"amount": amount},
            )
        )
    elif r < 0.65:  # promises, keeps it or not
        made = due + timedelta(days=rng.randrange(3, 15))
        on = made + timedelta(days=rng.randrange(5, 15))
        out.append(Event(_at(made, rng), "promise", debt.id, {"on": on, "amount": amount}))
        if rng.random() < 0.6:
            out.append(Event(_at(on, rng), "pay", debt.id, {"amount": amount}))
    elif r < 0.73:  # agrees a plan of three monthly instalments, pays some
        made = due + timedelta(days=rng.randrange(3, 20))
        out.append(Event(_at(made, rng), "plan", debt.id, {"amount": amount}))
        part = (amount / 3).quantize(Decimal("0.01"))
        for k in range(rng.randrange(0, 4)):
            out.append(
                Event(
                    _at(made + timedelta(days=30 * (k + 1)), rng), "pay", debt.id, {"amount": part}
                )
            )
    if rng.random() < 0.05:
        opened = _at(due + timedelta(days=rng.randrange(-5, 20)), rng)
        out.append(Event(opened, "dispute", debt.id))
        if rng.random() < 0.4:
            out.append(Event(opened + timedelta(days=rng.randrange(10, 30)), "resolve", debt.id))
    if rng.random() < 0.04:
        out.append(
            Event(_at(due + timedelta(days=rng.randrange(-20, 60)), rng), "opt_out", debt.id)
        )
    if rng.random() < 0.03:
        out.append(
            Event(_at(due + timedelta(days=rng.randrange(-20, 60)), rng), "vulnerable", debt.id)
        )
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        out.append(Event(_at(due + timedelta(days=rng.randrange(-5, 40)), rng), "writes", debt.id))
    return [e for e in out if START <= e.at < END]


def apply(session: Session, event: Event, truth: Truth) -> None:
    debt = session.get(Debt, event.debt_id)
    assert debt is not None
    now = event.at
    if event.kind == "pay":
        amount = min(Decimal(str(event.data["amount"])), debt.amount_due)
        if amount <= 0:
            return
        payments.record(
            session,
            debt.debtor.creditor,
            invoice_number=debt.invoice_number,
            reference=f"{debt.id}-{now.isoformat()}",
            amount=amount,
            currency=debt.currency,
            paid_on=now.date(),
            source="csv",
            now=now,
        )
        if debt.amount_due == 0:
            truth.paid[debt.id] = now
        return
    conversation = session.scalars(
        select(Conversation).where(Conversation.debt_id == debt.id)
    ).first()
    if conversation is None:
        conversation = Conversation(
            debtor_id=debt.debtor_id,
            debt_id=debt.id,
            channel="web",
            language=debt.debtor.language,
            created_at=now,
        )
        session.add(conversation)
        session.flush()
    if event.kind == "promise":
        session.add(
            Promise(
                debt_id=debt.id,
                conversation_id=conversation.id,
                amount=debt.amount_due,
                currency=debt.currency,
                promised_on=event.data["on"],
                channel="web",
                created_at=now,
            )
        )
    elif event.kind == "plan":
        plan = PaymentPlan(
            debt_id=debt.id,
            conversation_id=conversation.id,
            status="accepted",
            proposal_status="as_requested",
            reason="ok",
            total=debt.amount_due,
            currency=debt.currency,
            created_at=now,
            accepted_at=now,
        )
        session.add(plan)
        session.flush()
        part = (debt.amount_due / 3).quantize(Decimal("0.01"))
        amounts = [part, part, debt.amount_due - 2 * part]
        for k, value in enumerate(amounts):
            session.add(
                Instalment(
                    plan_id=plan.id,
                    number=k + 1,
                    amount=value,
                    due_on=now.date() + timedelta(days=30 * (k + 1)),
                )
            )
    elif event.kind == "dispute":
        session.add(
            Dispute(
                debt_id=debt.id,
                conversation_id=conversation.id,
                reason="simulated",
                review_due_on=now.date() + timedelta(days=10),
                created_at=now,
            )
        )
        if debt.status == "open":
            debt.status = "disputed"
        debt.collection_paused, debt.pause_reason = True, "dispute"
        truth.disputes[debt.id] = (now, None)
    elif event.kind == "resolve":
        for dispute in session.scalars(select(Dispute).where(Dispute.debt_id == debt.id)):
            dispute.status = "resolved"
        if debt.status == "disputed":
            debt.status = "open" if debt.amount_due > 0 else "paid"
        debt.collection_paused, debt.pause_reason = False, None
        truth.disputes[debt.id] = (truth.disputes[debt.id][0], now)
    elif event.kind == "opt_out":
        session.add(OptOut(debtor_id=debt.debtor_id, channel=None, created_at=now))
        truth.opted_out.setdefault(debt.debtor_id, now)
    elif event.kind == "vulnerable":
        debt.debtor.vulnerable = True
        truth.vulnerable.setdefault(debt.debtor_id, now)
    elif event.kind == "writes":
        session.add(
            Message(
                conversation_id=conversation.id,
                direction="in",
                author="debtor",
                channel="web",
                text="(simulated)",
                status="processed",
                created_at=now,
            )
        )
        truth.messages[debt.debtor_id].append(now)
    session.flush()
    reminders.sync_debt(session, debt, now)


def run_year(
    sessions: sessionmaker[Session], events: list[Event], rng: random.Random, truth: Truth
) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    index = 0
    day = START
    clock = START  # the simulated time: only ever moves forward
    while day < END + timedelta(days=60):  # two more months for the last follow-ups
        day_end = day + timedelta(days=1)
        with sessions.begin() as session:
            while True:
                next_event = events[index].at if index < len(events) else None
                due = session.execute(
                    select(Reminder.id, Reminder.next_attempt_at)
                    .where(Reminder.status == "scheduled", Reminder.next_attempt_at < day_end)
                    .order_by(Reminder.next_attempt_at)
                    .limit(1)
                ).first()
                # On a tie the debtor's event comes first: a dispute opened at 09:00 stops
                # the reminder of 09:00 (the conservative reading of "at the same time").
                if due is not None and (next_event is None or due.next_attempt_at < next_event):
                    now = clock = max(due.next_attempt_at, clock)
                    outcome = reminders.prepare(session, due.id, now)
                    outcomes[outcome.status] += 1
                    if outcome.prepared is not None:
                        refused = rng.random() < 0.01
                        reminders.finish(
                            session, due.id, now, "simulated refusal" if refused else None
                        )
                        outcomes["refused" if refused else "sent"] += 1
                    session.flush()
                    continue
                if next_event is not None and next_event < day_end:
                    clock = max(clock, events[index].at)
                    apply(session, events[index], truth)
                    index += 1
                    continue
                break
        day = day_end
        if day.day == 1:
            print(f"   … {day.date()}  sent so far {outcomes['sent']}", flush=True)
    return outcomes


def check(sessions: sessionmaker[Session], truth: Truth) -> Counter[str]:
    """Independent reading of compliance.md against what was sent."""
    violations: Counter[str] = Counter()
    examples: list[str] = []

    def found(kind: str, debtor_id: int, sent_at: datetime, why: object = "") -> None:
        violations[kind] += 1
        if len(examples) < 10:
            examples.append(f"{kind}: debtor {debtor_id}, sent {sent_at.isoformat()} {why}")

    sent_by_debtor: dict[int, list[datetime]] = defaultdict(list)
    with sessions.begin() as session:
        rows = session.execute(
            select(
                Reminder.id, Reminder.debtor_id, Reminder.debt_id, Reminder.sent_at, Message.text
            )
            .join(Message, Message.id == Reminder.message_id)
            .where(Reminder.status == "sent")
        ).all()
        per_reminder = Counter(
            session.scalars(
                select(func.json_extract(Message.payload, "$.reminder_id")).where(
                    Message.direction == "out"
                )
            ).all()
        )
    calendars: dict[tuple[str, int], object] = {}
    for rid, debtor_id, debt_id, sent_at, text in rows:
        preset, zone = truth.preset[debtor_id], truth.zone[debtor_id]
        if per_reminder[rid] != 1:
            found("sent more than once", debtor_id, sent_at)
        if zone == "Unknown/Nowhere":
            found("unknown time zone", debtor_id, sent_at)
            continue
        local = sent_at.astimezone(ZoneInfo(zone))
        country = PRESETS[preset][1]
        key = (country, local.year)
        if key not in calendars:
            calendars[key] = holidays.country_holidays(country, years=local.year)
        weekday, saturday, _, _ = WINDOWS[preset]
        window = (
            None
            if local.date() in calendars[key]
            # type: ignore[operator]
            else (weekday if local.weekday() < 5 else saturday if local.weekday() == 5 else None)
        )
        if window is None or not (window[0] <= local.hour < window[1]):
            found("outside allowed hours or days", debtor_id, sent_at)
        if debtor_id in truth.opted_out and sent_at >= truth.opted_out[debtor_id]:
            found("after opt-out", debtor_id, sent_at)
        if debtor_id in truth.vulnerable and sent_at >= truth.vulnerable[debtor_id]:
            found("after vulnerability flag", debtor_id, sent_at)
        if debt_id in truth.disputes:
            opened, closed = truth.disputes[debt_id]
            if opened <= sent_at and (closed is None or sent_at < closed):
                found("during an open dispute", debtor_id, sent_at, f"(opened {opened})")
        if debt_id in truth.paid and sent_at >= truth.paid[debt_id]:
            found("after full payment", debtor_id, sent_at)
        wrote = [
            m
            for m in truth.messages.get(debtor_id, ())
            if timedelta(0) <= sent_at - m < timedelta(days=WINDOWS[preset][3])
        ]
        if wrote:
            found("inside the cool-down after the debtor wrote", debtor_id, sent_at, wrote)
        lowered = text.lower()
        human = "humain" if preset.startswith("FR") else "human"
        if "assistant" not in lowered or human not in lowered or "stop" not in lowered:
            found("mandatory line missing", debtor_id, sent_at)
        if preset.startswith("US") and "attempt to collect a debt" not in lowered:
            found("US validation line missing", debtor_id, sent_at)
        if any(word in lowered for word in FORBIDDEN_WORDS):
            found("forbidden word", debtor_id, sent_at)
        sent_by_debtor[debtor_id].append(sent_at)
    for debtor_id, times in sent_by_debtor.items():
        preset, zone = truth.preset[debtor_id], ZoneInfo(truth.zone[debtor_id])
        day_cap, week_cap, month_cap = WINDOWS[preset][2]
        times.sort()
        for i, t in enumerate(times):
            same_day = [
                u for u in times[: i + 1] if u.astimezone(zone).date() == t.astimezone(zone).date()
            ]
            week = [u for u in times[: i + 1] if t - u < timedelta(days=7)]
            month = [u for u in times[: i + 1] if t - u < timedelta(days=30)]
            if len(same_day) > day_cap:
                found("over the daily cap", debtor_id, t)
            if len(week) > week_cap:
                found("over the 7-day cap", debtor_id, t)
            if len(month) > month_cap:
                found("over the 30-day cap", debtor_id, t)
    for example in examples:
        print(f"   violation — {example}")
    return violations


def simulate(count: int, seed: int, keep: Path | None = None) -> Counter[str]:
    rng = random.Random(seed)
    truth = Truth()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{keep or Path(tmp) / 'sim.db'}")
        upgrade(engine)
        sessions = make_session_factory(engine)
        print(f"\n5. a simulated year: {count} debtors, seed {seed}", flush=True)
        started = time.perf_counter()
        with sessions.begin() as session:
            events = populate(session, count, rng, truth)
            planned = reminders.sync_all(session, START)
        print(
            f"   {len(events)} events; {planned} reminders planned at the start "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        started = time.perf_counter()
        outcomes = run_year(sessions, events, rng, truth)
        elapsed = time.perf_counter() - started
        with sessions.begin() as session:
            verdict = func.json_extract(AuditEvent.detail, "$.verdict")
            verdicts: Counter[str] = Counter(
                {
                    str(v): int(n)
                    for v, n in session.execute(
                        select(verdict, func.count())
                        .where(AuditEvent.action == "guard_decision")
                        .group_by(verdict)
                    ).all()
                }
            )
            rules = session.execute(
                select(Reminder.rule, func.count())
                .where(Reminder.status == "denied")
                .group_by(Reminder.rule)
            ).all()
            statuses = dict(
                session.execute(
                    select(Reminder.status, func.count()).group_by(Reminder.status)
                ).all()
            )
        violations = check(sessions, truth)
        engine.dispose()
    print(f"   simulated in {elapsed:.0f} s")
    print(
        f"   guard decisions: allow {verdicts.get('allow', 0)}, defer {verdicts.get('defer', 0)}, "
        f"deny {verdicts.get('deny', 0)}"
    )
    print(
        f"   messages sent {outcomes['sent']} (refused by the channel then retried: "
        f"{outcomes['refused']})"
    )
    print(f"   reminders by final status: {statuses}")
    print(f"   denials by rule: {dict(rules)}")
    total = sum(violations.values())
    print(f"   VIOLATIONS: {total}  (goal 0) {dict(violations) if total else ''}")
    return violations


def schedule_cost(count: int) -> None:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    print(f"\n6. scheduling cost: planning {count} reminders", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/plan.db")
        upgrade(engine)
        sessions = make_session_factory(engine)
        debts = count // 5
        with sessions.begin() as session:
            creditor = Creditor(slug="c", name="C", levers=[], reminder_ladder=[-3, 0, 7, 21, 45])
            session.add(creditor)
            session.flush()
            for n in range(debts):
                debtor = Debtor(
                    creditor_id=creditor.id,
                    external_ref=str(n),
                    identity_kind="postcode",
                    identity_hash="x",
                    timezone="Europe/Paris",
                )
                session.add(debtor)
                session.flush()
                session.add(
                    Debt(
                        creditor_id=creditor.id,
                        debtor_id=debtor.id,
                        invoice_number=str(n),
                        issued_on=date(2026, 5, 1),
                        due_on=date(2026, 6, 1) + timedelta(days=n % 200),
                        amount_original=Decimal(100),
                        amount_due=Decimal(100),
                    )
                )
        started = time.perf_counter()
        with sessions.begin() as session:
            created = reminders.sync_all(session, START)
        planning = time.perf_counter() - started
        print(f"   {created} reminders planned and stored in {planning:.2f} s (goal < 10 s)")
        started = time.perf_counter()
        with sessions.begin() as session:
            again = reminders.sync_all(session, START)
        print(f"   re-planning the same book: {again} new, {time.perf_counter() - started:.2f} s")
        jobs = 5000
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs")},
            timezone=UTC,
        )
        scheduler.start(paused=True)
        started = time.perf_counter()
        for n in range(jobs):
            scheduler.add_job(print, "date", run_date=END, args=[n], id=f"reminder:{n}")
        rate = jobs / (time.perf_counter() - started)
        scheduler.shutdown(wait=False)
        engine.dispose()
        print(
            f"   APScheduler SQLAlchemy job store: {rate:.0f} jobs/s (only reminders due within "
            f"the horizon get a job: {count} would take {count / rate:.0f} s)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--debtors", type=int, default=10_000)
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the simulated database in this file")
    args = parser.parse_args()
    simulate(args.debtors, args.seed, args.keep)
    schedule_cost(args.reminders)
    return 0


if __name__ == "__main__":
    sys.exit(main())
