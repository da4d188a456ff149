"""The follow-up scheduler: APScheduler fires, our tables decide.

APScheduler 3 keeps one job per reminder due soon (id ``reminder:<id>``) in its SQLAlchemy
job store, in our database. The job function is module-level and takes only the id; what
to send, and whether to send at all, is read from the ``reminder`` row when it fires. At
start, and every ``scheduler_reconcile_seconds``, ``reconcile`` aligns the job store with
the table, so a restart loses nothing (rows without a job get one) and repeats nothing (a
row is claimed by a conditional update before anything is sent).

Only the leader (see ``leader.py``) runs APScheduler; the other gateways stand by and take
over when the leader's lock or lease goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.email.sender import Email, EmailSender
from bot.db.models import Reminder, ReminderStatus
from bot.domain.links import LinkSigner
from bot.gateway.pipeline import MessagePipeline
from bot.scheduler.leader import Leadership, leadership_for
from bot.services import reminders
from bot.settings import Settings

log = logging.getLogger(__name__)

JOB_PREFIX = "reminder:"
JOBS_TABLE = "apscheduler_jobs"

# The running scheduler of this process, set by ``start``: the way back from a job function
# (which must be importable by name and take only the id) to the app's objects.
_current: ReminderScheduler | None = None


async def fire_reminder(reminder_id: int) -> None:
    """APScheduler's job function for ``reminder:<id>``."""
    if _current is not None:
        await _current.fire(reminder_id)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ReminderScheduler:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        sessions: sessionmaker[Session],
        pipeline: MessagePipeline,
        email: EmailSender,
        signer: LinkSigner,
        unsubscribe_signer: LinkSigner,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._settings = settings
        self._engine = engine
        self._sessions = sessions
        self._pipeline = pipeline
        self._email = email
        self._signer = signer
        self._unsubscribe = unsubscribe_signer
        self._clock = clock
        holder = f"{socket.gethostname()}:{os.getpid()}"
        self._leadership: Leadership = leadership_for(
            engine, holder, settings.scheduler_lease_seconds
        )
        self._apscheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None
        self.is_leader = False
        self._firing: set[int] = set()  # ids being sent now: reconcile leaves them alone
        self._channels = frozenset(
            {"web"}
            | ({"email"} if email.enabled else set())
            | ({"telegram"} if settings.telegram_token is not None else set())
        )

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        global _current
        _current = self
        self._task = asyncio.create_task(self._lead(), name="scheduler-leadership")

    async def stop(self) -> None:
        global _current
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._step_down()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self._leadership.release)
        if _current is self:
            _current = None

    async def _lead(self) -> None:
        """Try to lead; while leading, keep the lock and reconcile; step down if it is lost."""
        period = min(self._settings.scheduler_lease_seconds / 3, 10.0)
        last_reconcile = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                leader = await asyncio.to_thread(self._leadership.acquire)
            except Exception:
                log.exception("scheduler leadership check failed")
                leader = False
            if leader and not self.is_leader:
                await self._take_over()
                last_reconcile = loop.time()
            elif not leader and self.is_leader:
                log.warning("scheduler leadership lost; standing by")
                await self._step_down()
            elif (
                leader
                and loop.time() - last_reconcile >= self._settings.scheduler_reconcile_seconds
            ):
                await self._safely(self.reconcile)
                last_reconcile = loop.time()
            await asyncio.sleep(period)

    async def _take_over(self) -> None:
        log.info("this process now fires reminders")
        self.is_leader = True
        interrupted = await asyncio.to_thread(self._abandon_interrupted)
        if interrupted:
            log.warning(
                "%d reminders were interrupted mid-send: marked uncertain", len(interrupted)
            )
        scheduler = AsyncIOScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(engine=self._engine, tablename=JOBS_TABLE),
                "memory": MemoryJobStore(),
            },
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": self._settings.scheduler_misfire_grace_seconds,
            },
            timezone=timezone.utc,
        )
        scheduler.start()
        self._apscheduler = scheduler
        await self._safely(self.plan_all)
        await self._safely(self.reconcile)
        scheduler.add_job(
            self._plan_all_job,
            "interval",
            hours=1,
            id="plan-all",
            jobstore="memory",
            replace_existing=True,
        )

    async def _step_down(self) -> None:
        self.is_leader = False
        if self._apscheduler is not None:
            self._apscheduler.shutdown(wait=False)
            self._apscheduler = None

    async def _plan_all_job(self) -> None:
        await self._safely(self.plan_all)

    async def _safely(self, work: Callable[[], Any]) -> None:
        try:
            await work()
        except Exception:
            log.exception("scheduler task %s failed; it will run again", work.__name__)

    # --- planning and reconciling -----------------------------------------------------------

    async def plan_all(self) -> int:
        """Plan every debt's reminders from the facts (new debts, plans, promises…)."""

        def work() -> int:
            with self._sessions.begin() as session:
                return reminders.sync_all(session, self._clock())

        created = await asyncio.to_thread(work)
        if created:
            log.info("planned %d new reminders", created)
        return created

    async def reconcile(self) -> tuple[int, int]:
        """Align the job store with the table; returns (jobs added or moved, jobs removed)."""
        scheduler = self._apscheduler
        if scheduler is None:
            return (0, 0)
        now = self._clock()
        horizon = now + timedelta(hours=self._settings.scheduler_horizon_hours)

        def rows() -> list[tuple[int, datetime]]:
            with self._sessions.begin() as session:
                return reminders.due_rows(session, horizon)

        wanted = dict(await asyncio.to_thread(rows))
        jobs = {
            job.id: job
            for job in await asyncio.to_thread(scheduler.get_jobs, "default")
            if job.id.startswith(JOB_PREFIX)
        }
        added = removed = 0
        for reminder_id, at in wanted.items():
            if reminder_id in self._firing:
                continue
            job = jobs.get(f"{JOB_PREFIX}{reminder_id}")
            if job is None:
                missing = True
            else:  # a job for a past time is left alone: it is about to fire
                moved = job.next_run_time is not None and at > now
                missing = moved and abs((job.next_run_time - at).total_seconds()) > 1
            if missing:
                await asyncio.to_thread(self._add_job, reminder_id, max(at, now))
                added += 1
        for job_id in jobs:
            if int(job_id.removeprefix(JOB_PREFIX)) not in wanted:
                with contextlib.suppress(JobLookupError):
                    await asyncio.to_thread(scheduler.remove_job, job_id, "default")
                removed += 1
        if added or removed:
            log.info("reconciled reminder jobs: %d added or moved, %d removed", added, removed)
        return (added, removed)

    def _add_job(self, reminder_id: int, at: datetime) -> None:
        """A job at ``at`` on the business clock. APScheduler runs on the wall clock, so a
        shifted business clock (a demo, a test on a chosen Tuesday) is shifted back here."""
        assert self._apscheduler is not None
        self._apscheduler.add_job(
            fire_reminder,
            "date",
            run_date=at - (self._clock() - utcnow()),
            args=[reminder_id],
            id=f"{JOB_PREFIX}{reminder_id}",
            replace_existing=True,
            jobstore="default",
        )

    def _abandon_interrupted(self) -> list[int]:
        with self._sessions.begin() as session:
            return reminders.abandon_interrupted(session)

    # --- firing -------------------------------------------------------------------------------

    async def fire(self, reminder_id: int) -> str:
        """Check, guard, store and send one reminder; returns its status afterwards."""
        self._firing.add(reminder_id)
        try:
            return await self._fire(reminder_id)
        finally:
            self._firing.discard(reminder_id)

    async def _fire(self, reminder_id: int) -> str:
        now = self._clock()
        public = self._settings.public_url

        def prepare() -> reminders.Outcome:
            with self._sessions.begin() as session:
                return reminders.prepare(
                    session,
                    reminder_id,
                    now,
                    reply_link=lambda debt_id: f"{public}/?t={self._signer.sign(debt_id)}",
                    unsubscribe_link=lambda debtor_id: (
                        f"{public}/unsubscribe?t={self._unsubscribe.sign(debtor_id)}"
                    ),
                    enabled_channels=self._channels,
                )

        outcome = await asyncio.to_thread(prepare)
        if outcome.prepared is None:
            if outcome.status == ReminderStatus.SCHEDULED.value and outcome.decision is not None:
                self._reschedule(reminder_id, outcome.decision.until)
            return outcome.status
        prepared = outcome.prepared
        error: str | None = None
        try:
            await self._send(prepared)
        except Exception as exc:  # the channel refused: recorded, retried with backoff
            error = f"{type(exc).__name__}: {exc}"
            log.warning("reminder %s not sent on %s: %s", reminder_id, prepared.channel, error)

        def finish() -> tuple[str, datetime | None]:
            with self._sessions.begin() as session:
                status = reminders.finish(session, reminder_id, self._clock(), error)
                row = session.get(Reminder, reminder_id)
                return status, row.next_attempt_at if row is not None else None

        status, next_at = await asyncio.to_thread(finish)
        if status == ReminderStatus.SCHEDULED.value:
            self._reschedule(reminder_id, next_at)
        return status

    def _reschedule(self, reminder_id: int, at: datetime | None) -> None:
        if at is None or self._apscheduler is None:
            return
        horizon = self._clock() + timedelta(hours=self._settings.scheduler_horizon_hours)
        if at <= horizon:  # further away: the reconcile loop adds it when it comes near
            self._add_job(reminder_id, at)

    async def _send(self, prepared: reminders.Prepared) -> None:
        if prepared.channel == "email":
            if not self._email.enabled:
                raise RuntimeError("e-mail is not configured (ECOUTE_SMTP_HOST)")
            unsubscribe = f"{self._settings.public_url}/unsubscribe?t=" + self._unsubscribe.sign(
                prepared.debtor_id
            )
            await self._email.send(
                Email(
                    to=prepared.address,
                    subject=prepared.subject,
                    text=prepared.text,
                    unsubscribe_url=unsubscribe,
                    reference=f"reminder-{prepared.reminder_id}",
                ),
                prepared.language,
            )
            return
        delivered = await self._pipeline.deliver_pending(prepared.conversation_id)
        if prepared.channel == "telegram" and not delivered:
            raise RuntimeError("Telegram did not accept the message")
        # web: the message waits in the conversation and is shown when the debtor opens it
