"""One scheduler process, for the two-process leadership test.

Usage: python scheduler_process.py <database url> <schema> <smtp port> <offset seconds>
Prints "leader" when it starts firing reminders; runs until killed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from tempfile import mkdtemp

from bot.channels.email.sender import EmailSender
from bot.channels.email.unsubscribe import unsubscribe_signer
from bot.db.session import make_engine, make_session_factory
from bot.domain.links import LinkSigner
from bot.gateway.pipeline import MessagePipeline
from bot.gateway.rasa_client import RasaClient
from bot.scheduler.runner import ReminderScheduler
from bot.settings import Settings


async def main(url: str, schema: str, smtp_port: int, offset: float) -> None:
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    sessions = make_session_factory(engine)
    settings = Settings(
        var_dir=Path(mkdtemp()),
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        scheduler_reconcile_seconds=1,
        scheduler_lease_seconds=3,
    )
    shift = timedelta(seconds=offset)
    scheduler = ReminderScheduler(
        settings,
        engine,
        sessions,
        MessagePipeline(sessions, RasaClient("http://127.0.0.1:9", 1, api_token="x")),
        EmailSender(settings),
        LinkSigner("s" * 32, 3600),
        unsubscribe_signer("s" * 32),
        clock=lambda: datetime.now(timezone.utc) + shift,
    )
    await scheduler.start()
    announced = False
    while True:
        if scheduler.is_leader and not announced:
            print("leader", flush=True)
            announced = True
        await asyncio.sleep(0.1)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
