"""Two scheduler processes on one PostgreSQL: one fires, the other takes over when it dies,
and every reminder is sent exactly once."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from bot.db.migrate import upgrade
from bot.db.models import Reminder
from bot.db.session import make_engine, make_session_factory
from bot.services import reminders
from tests.support.factories import make_creditor, make_debt
from tests.support.mail import MailSink

ROOT = Path(__file__).resolve().parents[3]
URL = os.environ.get(
    "ECOUTE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TUESDAY_10AM = datetime(2026, 3, 10, 9, tzinfo=timezone.utc)

pytestmark = pytest.mark.postgres


@pytest.fixture
def schema() -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine = make_engine(URL, connect_args={"options": f"-csearch_path={name}"})
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def start(schema: str, port: int, offset: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests/support/scheduler_process.py"),
            URL,
            schema,
            str(port),
            str(offset),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def says_leader(process: subprocess.Popen[str], timeout: float) -> bool:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if selector.select(timeout=0.2):
            line = process.stdout.readline()
            if line.strip() == "leader":
                return True
            if not line:
                return False
    return False


def test_one_leader_fires_and_the_other_takes_over_without_sending_twice(schema: str) -> None:
    mail = MailSink().start()
    engine = make_engine(URL, connect_args={"options": f"-csearch_path={schema}"})
    sessions = make_session_factory(engine)
    offset = (TUESDAY_10AM - datetime.now(timezone.utc)).total_seconds()

    def business_now() -> datetime:
        return datetime.now(timezone.utc) + timedelta(seconds=offset)

    def add(count: int, in_seconds: float) -> list[int]:
        ids = []
        with sessions.begin() as session:
            creditor = make_creditor(session, reminder_ladder=[0])
            for _ in range(count):
                debt = make_debt(session, creditor, due_on=date(2026, 3, 10))
                debt.debtor.email = f"{uuid.uuid4().hex[:8]}@example.org"
                reminders.sync_debt(session, debt, business_now() - timedelta(days=1))
                row = session.scalars(select(Reminder).where(Reminder.debt_id == debt.id)).one()
                row.due_at = row.next_attempt_at = business_now() + timedelta(seconds=in_seconds)
                ids.append(row.id)
        return ids

    first = start(schema, mail.port, offset)
    second = start(schema, mail.port, offset)
    try:
        leaders = [p for p in (first, second) if says_leader(p, 20)]
        assert len(leaders) == 1, "exactly one process leads"
        leader = leaders[0]
        standby = second if leader is first else first
        batch = add(5, 1)
        assert len(mail.wait_for(5)) == 5

        def recorded() -> bool:  # the SMTP server has them; wait until the rows say so too
            with sessions.begin() as session:
                rows = session.scalars(select(Reminder.status).where(Reminder.id.in_(batch)))
                return set(rows) == {"sent"}

        deadline = time.monotonic() + 20
        while not recorded():
            assert time.monotonic() < deadline, "the leader did not record its sends"
            time.sleep(0.1)
        # (killed between the SMTP answer and that commit, a row would become 'uncertain'
        # and never be re-sent: at most once; tested in tests/bot/services/test_reminders.py)
        leader.kill()  # SIGKILL: the server drops its connection and the advisory lock
        leader.wait()
        assert says_leader(standby, 30), "the standby takes over"
        batch += add(5, 1)
        assert len(mail.wait_for(10)) == 10
        time.sleep(3)  # reconcile passes: nothing is sent again
        assert len(mail.messages) == 10
        recipients = [m["To"] for m in mail.messages]
        assert len(set(recipients)) == 10
        with sessions.begin() as session:
            states = {
                r.status for r in session.scalars(select(Reminder).where(Reminder.id.in_(batch)))
            }
        assert states == {"sent"}
    finally:
        for process in (first, second):
            process.kill()
            process.wait()
        mail.stop()
        engine.dispose()
