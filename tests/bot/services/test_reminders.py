"""Reminder rows from the facts, and one send through the guard, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    AuditEvent,
    Creditor,
    Debt,
    Dispute,
    Escalation,
    Message,
    OptOut,
    Promise,
    Reminder,
    ReminderStatus,
)
from bot.services import payments, reminders
from tests.support.factories import (
    make_accepted_plan,
    make_conversation,
    make_creditor,
    make_debt,
)

# Tuesday 10 March 2026, 10:00 in Paris: inside FR-B2C hours.
TUESDAY_10AM = datetime(2026, 3, 10, 9, tzinfo=timezone.utc)


def setup_debt(session: Session, **debt: object) -> Debt:
    creditor = make_creditor(session)
    values: dict[str, object] = {"due_on": date(2026, 3, 10)}
    values.update(debt)
    return make_debt(session, creditor, **values)


def due_reminder(session: Session, debt: Debt, key: str = "debt:{id}:+0") -> Reminder:
    reminders.sync_debt(session, debt, TUESDAY_10AM - timedelta(days=30))
    row = session.scalars(select(Reminder).where(Reminder.key == key.format(id=debt.id))).one()
    return row


def test_sync_creates_the_ladder_once_and_cancels_what_a_payment_makes_pointless(
    session: Session,
) -> None:
    debt = setup_debt(session)
    now = TUESDAY_10AM - timedelta(days=30)
    created = reminders.sync_debt(session, debt, now).created
    assert [r.key.split(":")[-1] for r in created] == ["-3", "+0", "+7", "+21"]
    assert reminders.sync_debt(session, debt, now).created == []  # idempotent

    recorded = payments.record(
        session,
        debt.debtor.creditor,
        invoice_number=debt.invoice_number,
        reference="BANK-1",
        amount=debt.amount_due,
        currency="EUR",
        paid_on=date(2026, 2, 12),
        source="webhook",
        now=now,
    )
    assert recorded.new and debt.status == "paid" and debt.amount_due == 0
    statuses = {
        r.status for r in session.scalars(select(Reminder).where(Reminder.debt_id == debt.id))
    }
    assert statuses == {ReminderStatus.CANCELLED.value}


def test_a_due_reminder_is_guarded_stored_and_marked_sent(session: Session) -> None:
    debt = setup_debt(session)
    row = due_reminder(session, debt)
    outcome = reminders.prepare(session, row.id, TUESDAY_10AM)
    assert outcome.prepared is not None and outcome.status == "sending"
    message = session.get(Message, outcome.prepared.message_id)
    assert message is not None and message.payload["reminder_id"] == row.id
    assert "Lumen Énergie" in message.text and "?" in message.text
    assert outcome.prepared.channel == "web"  # no chat, no e-mail: it waits in the widget
    assert reminders.finish(session, row.id, TUESDAY_10AM) == "sent"
    assert row.sent_at == TUESDAY_10AM
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "guard_decision")).all()
    decision = next(a for a in audit if a.detail["reminder_id"] == row.id).detail
    assert decision["verdict"] == "allow" and decision["preset"] == "FR-B2C"
    assert decision["template"] == "reminder_due_day.v1"
    assert decision["debtor_local"].startswith("2026-03-10T10:00")
    # the next one the same day is deferred by the daily cap, to the next allowed slot
    later = due_reminder(session, debt, "debt:{id}:+7")
    later.next_attempt_at = TUESDAY_10AM
    deferred = reminders.prepare(session, later.id, TUESDAY_10AM + timedelta(hours=1))
    assert deferred.status == "scheduled" and deferred.decision is not None
    assert deferred.decision.rule == "FR-B2C/cap"
    assert later.next_attempt_at == datetime(2026, 3, 11, 7, tzinfo=timezone.utc)  # 08:00 Paris


def test_outside_hours_the_reminder_is_deferred_not_sent(session: Session) -> None:
    debt = setup_debt(session)
    row = due_reminder(session, debt)
    sunday = datetime(2026, 3, 8, 12, tzinfo=timezone.utc)
    row.next_attempt_at = sunday
    outcome = reminders.prepare(session, row.id, sunday)
    assert outcome.prepared is None and outcome.status == "scheduled"
    assert row.next_attempt_at == datetime(2026, 3, 9, 7, tzinfo=timezone.utc)
    assert session.scalars(select(Message)).all() == []


def test_opt_out_dispute_and_vulnerability_deny(session: Session) -> None:
    for pause in ("opt_out", "dispute", "vulnerable"):
        debt = setup_debt(session)
        conversation = make_conversation(session, debt)
        if pause == "opt_out":
            session.add(OptOut(debtor_id=debt.debtor_id, channel=None))
        elif pause == "dispute":
            session.add(
                Dispute(
                    debt_id=debt.id,
                    conversation_id=conversation.id,
                    reason="jamais reçu",
                    review_due_on=date(2026, 3, 20),
                )
            )
        else:
            debt.debtor.vulnerable = True
        session.flush()
        row = due_reminder(session, debt)
        outcome = reminders.prepare(session, row.id, TUESDAY_10AM)
        assert outcome.status == "denied", pause
        assert outcome.decision is not None
        assert (
            outcome.decision.rule
            == {"opt_out": "G-04", "dispute": "G-05", "vulnerable": "G-06"}[pause]
        )


def test_a_refused_send_is_retried_with_backoff_then_failed(session: Session) -> None:
    debt = setup_debt(session)
    row = due_reminder(session, debt)
    now = TUESDAY_10AM
    first_message = None
    for attempt in range(1, reminders.MAX_ATTEMPTS + 1):
        outcome = reminders.prepare(session, row.id, now)
        assert outcome.prepared is not None, attempt
        first_message = first_message or outcome.prepared.message_id
        assert outcome.prepared.message_id == first_message  # the same stored message
        status = reminders.finish(session, row.id, now, error="SMTP 451 try later")
        if attempt < reminders.MAX_ATTEMPTS:
            assert status == "scheduled"
            assert row.next_attempt_at == now + reminders.backoff(attempt)
            now = row.next_attempt_at
        else:
            assert status == "failed"
    assert row.attempts == reminders.MAX_ATTEMPTS
    assert session.scalars(select(Message)).all()[0].status == "failed"


def test_a_claimed_reminder_cannot_be_claimed_again(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        debt = setup_debt(session)
        row_id = due_reminder(session, debt).id
    with sessions.begin() as first:
        assert reminders.prepare(first, row_id, TUESDAY_10AM).status == "sending"
    with sessions.begin() as second:
        assert reminders.prepare(second, row_id, TUESDAY_10AM).status == "sending"
        assert reminders.prepare(second, row_id, TUESDAY_10AM).prepared is None
    with sessions.begin() as session:
        assert reminders.abandon_interrupted(session) == [row_id]
        assert session.get(Reminder, row_id).status == "uncertain"  # type: ignore[union-attr]


def _promise(
    session: Session, debt: Debt, on: date, amount: str = "100.00", made: datetime | None = None
) -> Promise:
    conversation = make_conversation(session, debt)
    promise = Promise(
        debt_id=debt.id,
        conversation_id=conversation.id,
        amount=Decimal(amount),
        currency="EUR",
        promised_on=on,
        channel="web",
        created_at=made  # on the test's clock: by default ten days before the date
        or datetime.combine(on, datetime.min.time(), tzinfo=timezone.utc) - timedelta(days=10),
    )
    session.add(promise)
    session.flush()
    return promise


def test_a_kept_promise_cancels_its_check_a_broken_one_asks_what_happened(
    session: Session,
) -> None:
    debt = setup_debt(session, due_on=date(2026, 2, 1))
    kept = _promise(session, debt, date(2026, 3, 5))
    before = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)
    reminders.sync_debt(session, debt, before)
    payments.record(
        session,
        debt.debtor.creditor,
        invoice_number=debt.invoice_number,
        reference="P-1",
        amount=Decimal("100.00"),
        currency="EUR",
        paid_on=date(2026, 3, 5),
        source="csv",
        now=before,
    )
    check = session.scalars(select(Reminder).where(Reminder.promise_id == kept.id)).one()
    assert reminders.prepare(session, check.id, TUESDAY_10AM).status == "cancelled"
    assert kept.status == "kept"

    made = datetime(2026, 3, 2, tzinfo=timezone.utc)  # after the payment of 1 March
    broken = _promise(session, debt, date(2026, 3, 6), amount="50.00", made=made)
    reminders.sync_debt(session, debt, TUESDAY_10AM)
    check = session.scalars(select(Reminder).where(Reminder.promise_id == broken.id)).one()
    outcome = reminders.prepare(session, check.id, TUESDAY_10AM)
    assert outcome.prepared is not None and broken.status == "broken"
    assert "06/03/2026" in outcome.prepared.text and "Que s'est-il passé ?" in outcome.prepared.text
    reminders.finish(session, check.id, TUESDAY_10AM)

    again = _promise(session, debt, date(2026, 3, 12), amount="50.00", made=made)
    reminders.sync_debt(session, debt, TUESDAY_10AM)
    check = session.scalars(select(Reminder).where(Reminder.promise_id == again.id)).one()
    outcome = reminders.prepare(session, check.id, datetime(2026, 3, 16, 9, tzinfo=timezone.utc))
    assert outcome.status == "cancelled"  # the second broken promise goes to a person
    assert session.scalars(select(Escalation)).one().reason == "broken_promises"


def test_repeated_missed_instalments_hand_the_debtor_to_a_person(session: Session) -> None:
    debt = setup_debt(session, due_on=date(2026, 1, 10))
    make_accepted_plan(session, debt, date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1))
    reminders.sync_debt(session, debt, datetime(2026, 1, 20, tzinfo=timezone.utc))
    checks = session.scalars(
        select(Reminder).where(Reminder.kind == "instalment_check").order_by(Reminder.id)
    ).all()
    assert len(checks) == 3
    first = reminders.prepare(session, checks[0].id, TUESDAY_10AM)
    assert first.prepared is not None
    assert "plan" in first.prepared.text and "?" in first.prepared.text
    reminders.finish(session, checks[0].id, TUESDAY_10AM)
    second = reminders.prepare(session, checks[1].id, TUESDAY_10AM + timedelta(days=1))
    assert second.status == "cancelled"
    escalation = session.scalars(select(Escalation)).one()
    assert escalation.reason == "missed_instalments"


def test_creditor_ladder_is_configurable(session: Session) -> None:
    creditor: Creditor = make_creditor(session, reminder_ladder=[0, 14], reminder_hour=15)
    debt = make_debt(session, creditor, due_on=date(2026, 3, 10))
    created = reminders.sync_debt(session, debt, datetime(2026, 3, 1, tzinfo=timezone.utc)).created
    assert [r.key.split(":")[-1] for r in created] == ["+0", "+14"]
    assert created[0].due_at == datetime(2026, 3, 10, 14, tzinfo=timezone.utc)


def test_the_bulk_sync_plans_like_the_single_one(session: Session) -> None:
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    single = setup_debt(session)
    bulk = [setup_debt(session) for _ in range(3)]
    promised = bulk[0]
    _promise(session, promised, date(2026, 3, 12))
    expected = {
        key.replace(f":{single.id}:", ":X:")
        for key in (r.key for r in reminders.sync_debt(session, single, now).created)
    }
    created = reminders.sync_all(session, now, [d.id for d in bulk])
    assert created == 4 + 4 + 3  # the promise silences two steps (7, 10 March), adds its check
    for debt in bulk[1:]:
        keys = {
            r.key.replace(f":{debt.id}:", ":X:")
            for r in session.scalars(select(Reminder).where(Reminder.debt_id == debt.id))
        }
        assert keys == expected
    assert reminders.sync_all(session, now) == 0  # nothing new the second time
    bulk[1].status = "paid"
    session.flush()
    reminders.sync_all(session, now)
    session.expire_all()
    states = {
        r.status for r in session.scalars(select(Reminder).where(Reminder.debt_id == bulk[1].id))
    }
    assert states == {"cancelled"}


def test_a_creditor_override_applies_and_a_looser_one_denies(session: Session) -> None:
    debt = setup_debt(session)
    debt.debtor.creditor.guard_overrides = {"weekday_window": ["11:00", "17:00"]}
    row = due_reminder(session, debt)
    outcome = reminders.prepare(session, row.id, TUESDAY_10AM)
    assert outcome.status == "scheduled"  # 10:00 is too early for this creditor
    assert row.next_attempt_at == datetime(2026, 3, 10, 10, tzinfo=timezone.utc)  # 11:00 Paris
    debt.debtor.creditor.guard_overrides = {"cap_day": 5}
    outcome = reminders.prepare(session, row.id, row.next_attempt_at)
    assert outcome.status == "denied" and row.rule == "G-00"


def test_channels_vary_along_the_ladder_among_those_this_deployment_has(session: Session) -> None:
    from bot.db.models import ChannelBinding

    debt = setup_debt(session)
    debt.debtor.email = "claire@example.org"
    session.add(ChannelBinding(debtor_id=debt.debtor_id, channel="telegram", address="77"))
    session.flush()
    debtor = debt.debtor
    assert reminders.choose_channel(session, debtor, 0) == ("telegram", "77")
    assert reminders.choose_channel(session, debtor, 1) == ("email", "claire@example.org")
    no_smtp = frozenset({"web", "telegram"})
    assert reminders.choose_channel(session, debtor, 1, no_smtp) == ("telegram", "77")
    assert reminders.choose_channel(session, debtor, 1, frozenset({"web"})) == ("web", "")
