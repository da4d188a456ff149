"""Only one process fires reminders, however many gateways run.

On PostgreSQL the leader holds a session advisory lock on a connection of its own: if the
process dies, the server drops the connection and the lock with it. SQLite has no such
lock, so a row in ``scheduler_lease`` names the holder until a short expiry, renewed while
it lives. Both are used through the same three calls, from a worker thread.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Protocol

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from bot.db.models import SchedulerLease

log = logging.getLogger(__name__)

LOCK_KEY = 0x45434F55  # "ECOU": the advisory lock id of the reminder scheduler
LEASE_NAME = "reminders"


class Leadership(Protocol):
    def acquire(self) -> bool:
        """Try to become (or stay) the leader; True when this process is it."""

    def release(self) -> None: ...


class AdvisoryLock:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        if self._connection is not None:
            try:  # still ours as long as the connection lives
                self._connection.execute(text("SELECT 1"))
                self._connection.commit()
                return True
            except Exception:
                log.warning("lost the scheduler lock's connection")
                self._drop()
                return False
        connection = self._engine.connect()
        try:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
            ).scalar()
            connection.commit()  # a session-level lock outlives the transaction
        except Exception:
            connection.close()
            raise
        if got:
            self._connection = connection
            return True
        connection.close()
        return False

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            self._connection.commit()
        finally:
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except Exception:
                pass
            self._connection = None


class Lease:
    def __init__(self, engine: Engine, holder: str, seconds: float) -> None:
        self._engine = engine
        self._holder = holder
        self._length = timedelta(seconds=seconds)

    def acquire(self) -> bool:
        now = datetime.now(timezone.utc)
        try:
            return self._acquire(now)
        except IntegrityError:  # another candidate inserted the first lease at the same time
            return False

    def _acquire(self, now: datetime) -> bool:
        with self._engine.begin() as connection:
            row = connection.execute(
                select(SchedulerLease.holder, SchedulerLease.expires_at).where(
                    SchedulerLease.name == LEASE_NAME
                )
            ).first()
            if row is None:
                connection.execute(
                    insert(SchedulerLease).values(
                        name=LEASE_NAME, holder=self._holder, expires_at=now + self._length
                    )
                )
                return True
            if row.holder != self._holder and row.expires_at > now:
                return False
            # Conditional: two candidates reading the same expired row cannot both win.
            taken = connection.execute(
                update(SchedulerLease)
                .where(
                    SchedulerLease.name == LEASE_NAME,
                    SchedulerLease.holder == row.holder,
                    SchedulerLease.expires_at == row.expires_at,
                )
                .values(holder=self._holder, expires_at=now + self._length)
            )
            return bool(taken.rowcount == 1)

    def release(self) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                delete(SchedulerLease).where(
                    SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == self._holder
                )
            )


def leadership_for(engine: Engine, holder: str, lease_seconds: float) -> Leadership:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return Lease(engine, holder, lease_seconds)
