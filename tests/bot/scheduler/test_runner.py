"""The scheduler for real: APScheduler with its SQLAlchemy job store in our database, an
SMTP server on localhost, a business clock set to a Tuesday morning in Paris."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from email.message import Message as Email
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.email.sender import EmailSender
from bot.channels.email.unsubscribe import unsubscribe_signer
from bot.db.models import Reminder
from bot.domain.links import LinkSigner
from bot.gateway.pipeline import MessagePipeline
from bot.gateway.rasa_client import RasaClient
from bot.scheduler.runner import JOBS_TABLE, ReminderScheduler
from bot.services import reminders
from bot.settings import Settings
from tests.support.factories import make_creditor, make_debt
from tests.support.mail import MailSink

TUESDAY_10AM = datetime(2026, 3, 10, 9, tzinfo=timezone.utc)


@pytest.fixture
def mail() -> Iterator[MailSink]:
    sink = MailSink().start()
    yield sink
    sink.stop()


def business_clock() -> Callable[[], datetime]:
    """Runs at wall-clock speed from Tuesday 10 March 2026, 10:00 in Paris."""
    offset = TUESDAY_10AM - datetime.now(timezone.utc)
    return lambda: datetime.now(timezone.utc) + offset


def make_scheduler(
    engine: Engine,
    sessions: sessionmaker[Session],
    mail: MailSink,
    tmp_path: Path,
    clock: Callable[[], datetime],
) -> ReminderScheduler:
    settings = Settings(
        var_dir=tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        smtp_from="assistant@lumen.example",
        public_url="https://pay.lumen.example",
        scheduler_reconcile_seconds=1,
        scheduler_lease_seconds=3,
    )
    pipeline = MessagePipeline(sessions, RasaClient("http://127.0.0.1:9", 1, api_token="x"))
    signer = LinkSigner("s" * 32, 3600)
    return ReminderScheduler(
        settings,
        engine,
        sessions,
        pipeline,
        EmailSender(settings),
        signer,
        unsubscribe_signer("s" * 32),
        clock=clock,
    )


def add_due_reminder(
    sessions: sessionmaker[Session], clock: Callable[[], datetime], in_seconds: float
) -> int:
    with sessions.begin() as session:
        creditor = make_creditor(session, reminder_ladder=[0])
        debt = make_debt(session, creditor, due_on=date(2026, 3, 10))
        debt.debtor.email = "claire.durand@example.org"
        reminders.sync_debt(session, debt, clock() - timedelta(days=1))
        row = session.scalars(select(Reminder).where(Reminder.debt_id == debt.id)).one()
        row.next_attempt_at = row.due_at = clock() + timedelta(seconds=in_seconds)
        return row.id


async def wait_for(check: Callable[[], bool], timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


def status(sessions: sessionmaker[Session], reminder_id: int) -> str:
    with sessions.begin() as session:
        row = session.get(Reminder, reminder_id)
        assert row is not None
        return row.status


@pytest.mark.asyncio
async def test_a_due_reminder_goes_out_once_by_email(
    engine: Engine, sessions: sessionmaker[Session], mail: MailSink, tmp_path: Path
) -> None:
    clock = business_clock()
    reminder_id = add_due_reminder(sessions, clock, 2)
    scheduler = make_scheduler(engine, sessions, mail, tmp_path, clock)
    await scheduler.start()
    try:
        await wait_for(lambda: scheduler.is_leader)
        await wait_for(lambda: status(sessions, reminder_id) == "sent")
        await asyncio.sleep(1.5)  # a reconcile pass later: nothing more is sent
    finally:
        await scheduler.stop()
    assert len(mail.messages) == 1
    message: Email = mail.messages[0]
    assert message["To"] == "claire.durand@example.org"
    assert "Lumen" in message["Subject"]
    assert message["List-Unsubscribe"].startswith("<https://pay.lumen.example/unsubscribe?t=")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = {part.get_content_type(): part for part in message.walk()}
    plain = parts["text/plain"].get_payload(decode=True).decode()
    html = parts["text/html"].get_payload(decode=True).decode()
    assert "assistant automatisé de Lumen" in plain and "HUMAIN" in plain and "?" in plain
    assert "https://pay.lumen.example/?t=" in plain  # the link to answer in the widget
    assert "<a href=" in html


@pytest.mark.asyncio
async def test_a_refused_email_is_retried_and_sent_once(
    engine: Engine, sessions: sessionmaker[Session], mail: MailSink, tmp_path: Path
) -> None:
    clock = business_clock()
    reminder_id = add_due_reminder(sessions, clock, 1)
    mail.refuse = 1
    scheduler = make_scheduler(engine, sessions, mail, tmp_path, clock)
    await scheduler.start()
    try:
        await wait_for(
            lambda: (
                status(sessions, reminder_id) != "scheduled" or _attempts(sessions, reminder_id) > 0
            )
        )
        await wait_for(
            lambda: (
                _attempts(sessions, reminder_id) >= 1
                and status(sessions, reminder_id) == "scheduled"
            )
        )
        with sessions.begin() as session:
            row = session.get(Reminder, reminder_id)
            assert row is not None and row.error is not None and "451" in row.error
            # bring the backoff forward instead of waiting a minute
            row.next_attempt_at = clock() + timedelta(seconds=1)
        await scheduler.reconcile()
        await wait_for(lambda: status(sessions, reminder_id) == "sent")
    finally:
        await scheduler.stop()
    assert len(mail.messages) == 1


def _attempts(sessions: sessionmaker[Session], reminder_id: int) -> int:
    with sessions.begin() as session:
        row = session.get(Reminder, reminder_id)
        assert row is not None
        return row.attempts


@pytest.mark.asyncio
async def test_a_scheduler_stopped_between_scheduling_and_sending_sends_once_after_restart(
    engine: Engine, sessions: sessionmaker[Session], mail: MailSink, tmp_path: Path
) -> None:
    clock = business_clock()
    reminder_id = add_due_reminder(sessions, clock, 8)
    due = clock() + timedelta(seconds=8)
    first = make_scheduler(engine, sessions, mail, tmp_path, clock)
    await first.start()

    def job_stored() -> bool:
        with engine.connect() as connection:
            ids = connection.execute(text(f"SELECT id FROM {JOBS_TABLE}")).scalars().all()
        return f"reminder:{reminder_id}" in ids

    await wait_for(job_stored)
    await first.stop()  # scheduled, not sent
    assert status(sessions, reminder_id) == "scheduled" and mail.messages == []
    await wait_for(lambda: clock() > due + timedelta(seconds=0.5))  # due while nobody runs

    second = make_scheduler(engine, sessions, mail, tmp_path, clock)
    await second.start()
    try:
        await wait_for(lambda: status(sessions, reminder_id) == "sent")
        await asyncio.sleep(2)  # reconcile passes: still once
    finally:
        await second.stop()
    assert len(mail.messages) == 1
    assert not job_stored()
