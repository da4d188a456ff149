"""Follow-ups end to end: the real gateway process with its scheduler, a real SMTP server
(aiosmtpd), the fake Telegram Bot API server, the payments webhook over HTTP, and a gateway
killed (SIGKILL) between scheduling and sending.

Rasa is not needed here: reminders start on our side. The gateway's business clock is set
(ECOUTE_CLOCK_START) to a Tuesday just before 10:00 in Paris, a little after the real date,
so every rule of the guard applies as on a working morning.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import httpx
import pytest
import sqlalchemy as sa
from fake_telegram import FakeTelegram
from mail import MailSink
from stack import CSV_HEADER, TELEGRAM_TOKEN, Chat, Stack, texts

from bot.services import payments

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
MASTER = "e2e-payments-" + "y" * 32


def working_tuesday() -> date:
    """A Tuesday at least a week ahead that is not a French public holiday."""
    day = datetime.now(timezone.utc).date() + timedelta(days=7)
    while day.weekday() != 1 or day in holidays.country_holidays("FR", years=day.year):
        day += timedelta(days=1)
    return day


@pytest.fixture
def gateway_only(tmp_path: Path) -> Iterator[tuple[Stack, FakeTelegram, MailSink, date]]:
    telegram = FakeTelegram().start()
    mail = MailSink().start()
    tuesday = working_tuesday()
    ten = datetime.combine(tuesday, datetime.min.time().replace(hour=10), tzinfo=PARIS)
    env = dict(os.environ)
    stack = Stack(tmp_path, env)
    env.update(
        {
            "ECOUTE_DATABASE_URL": f"sqlite:///{tmp_path / 'ecoute.db'}",
            "ECOUTE_VAR_DIR": str(tmp_path),
            "ECOUTE_LINK_SECRET": "e2e-secret-" + "x" * 32,
            "ECOUTE_RASA_TOKEN": "e2e-rasa-token",
            "ECOUTE_PORT": str(stack.gateway_port),
            "ECOUTE_PUBLIC_URL": f"http://127.0.0.1:{stack.gateway_port}",
            "ECOUTE_RASA_URL": "http://127.0.0.1:9",  # nobody: reminders do not need Rasa
            "ECOUTE_ENVIRONMENT": "test",
            "ECOUTE_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
            "ECOUTE_TELEGRAM_API_BASE_URL": telegram.base_url,
            "ECOUTE_TELEGRAM_MODE": "polling",
            "ECOUTE_TELEGRAM_POLL_TIMEOUT_SECONDS": "1",
            "ECOUTE_SMTP_HOST": "127.0.0.1",
            "ECOUTE_SMTP_PORT": str(mail.port),
            "ECOUTE_SMTP_FROM": "assistant@lumen.example",
            "ECOUTE_PAYMENTS_SECRET": MASTER,
            "ECOUTE_SCHEDULER_RECONCILE_SECONDS": "1",
            "ECOUTE_SCHEDULER_LEASE_SECONDS": "3",
            # the due-day reminder of the last debtor falls 25 s after the clock starts
            "ECOUTE_CLOCK_START": (ten - timedelta(seconds=25)).isoformat(),
        }
    )
    stack.cli("migrate")
    spec = json.loads((Path(__file__).parents[2] / "demo" / "creditor.json").read_text())
    spec.update(reminder_ladder=[0, 21], reminder_hour=10)
    (tmp_path / "creditor.json").write_text(json.dumps(spec))
    stack.cli("add-creditor", str(tmp_path / "creditor.json"))
    try:
        yield stack, telegram, mail, tuesday
    finally:
        stack.stop_all()
        telegram.stop()
        mail.stop()


def import_debtors(stack: Stack, rows: list[tuple[str, str, str]]) -> None:
    """rows: (invoice, e-mail, due date)."""
    lines = [
        f"E{invoice},consumer,Mme,Claire,Durand{i},,fr,{email},,Europe/Paris,postcode,75011,"
        f"{invoice},Facture,2024-11-05,{due},120.00,120.00,EUR\n"
        for i, (invoice, email, due) in enumerate(rows)
    ]
    path = stack.workdir / "debtors.csv"
    path.write_text(CSV_HEADER + "".join(lines), encoding="utf-8")
    stack.cli("import", "--creditor", "lumen", str(path))


def wait(check: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def status_of(stack: Stack, invoice: str) -> list[str]:
    return [
        r.status
        for r in stack.rows(
            "SELECT reminder.status FROM reminder JOIN debt ON debt.id = reminder.debt_id "
            "WHERE debt.invoice_number = :invoice AND reminder.status != 'cancelled' "
            "ORDER BY reminder.id",
            invoice=invoice,
        )
    ]


def test_reminders_reach_every_channel_once_and_survive_a_killed_gateway(
    gateway_only: tuple[Stack, FakeTelegram, MailSink, date],
) -> None:
    stack, telegram, mail, tuesday = gateway_only
    suffix = uuid.uuid4().hex[:6]
    by_mail, by_chat, in_widget, paid, restart = (f"{k}-{suffix}" for k in "ABCDE")
    import_debtors(
        stack,
        [
            (by_mail, "a@example.org", "2024-12-05"),
            (by_chat, "", "2024-12-05"),
            (in_widget, "", "2024-12-05"),
            (paid, "d@example.org", "2024-12-05"),
            (restart, "e@example.org", tuesday.isoformat()),
        ],
    )
    chat_id = 4200 + int(time.time()) % 1000
    engine = sa.create_engine(stack.env["ECOUTE_DATABASE_URL"])
    with engine.begin() as connection:  # the debtor started the bot earlier (G-15)
        connection.execute(
            sa.text(
                "INSERT INTO channel_binding (debtor_id, channel, address, active, created_at) "
                "SELECT debtor_id, 'telegram', :chat, 1, CURRENT_TIMESTAMP FROM debt "
                "WHERE invoice_number = :invoice"
            ),
            {"chat": str(chat_id), "invoice": by_chat},
        )
    engine.dispose()

    # 1. A payment arrives first, with the scheduler off: signed, idempotent.
    stack.start_gateway(ECOUTE_SCHEDULER_ENABLED="false")
    body = json.dumps(
        {
            "reference": f"VIR-{suffix}",
            "invoice_number": paid,
            "amount": "120.00",
            "currency": "EUR",
            "paid_on": "2025-01-05",
        }
    ).encode()
    secret = payments.creditor_secret(MASTER, "lumen")
    headers = {
        "Content-Type": "application/json",
        payments.CREDITOR_HEADER: "lumen",
        payments.SIGNATURE_HEADER: payments.signature(secret, body),
    }
    url = f"{stack.gateway_url}/api/payments"
    assert httpx.post(url, content=body, headers=headers).status_code == 201
    assert httpx.post(url, content=body, headers=headers).status_code == 200
    forged = {**headers, payments.SIGNATURE_HEADER: payments.signature("guess", body)}
    assert httpx.post(url, content=body, headers=forged).status_code == 401
    stack.stop("gateway")

    # 2. The scheduler takes over: one catch-up per overdue debt, on the debtor's channel.
    stack.start_gateway(ECOUTE_SCHEDULER_ENABLED="true")
    # (up to a minute and a half: a send tried before Telegram connected is retried in 1 min)
    wait(lambda: len(mail.messages) >= 1 and len(telegram.messages_to(chat_id)) >= 1, 90)
    email = mail.messages[0]
    assert email["To"] == "a@example.org"
    plain = next(
        p.get_payload(decode=True).decode()
        for p in email.walk()
        if p.get_content_type() == "text/plain"
    )
    assert "assistant automatisé de Lumen Énergie" in plain and "HUMAIN" in plain
    assert "120" not in plain  # no amount before the debtor proved who they are (G-03)
    sent = telegram.messages_to(chat_id)
    assert "Où en êtes-vous de votre côté ?" in sent[0].text and "STOP" in sent[0].text
    wait(lambda: status_of(stack, in_widget)[:1] == ["sent"])
    assert status_of(stack, paid) == []  # paid before: nothing was planned

    # 3. Killed between scheduling and sending the due-day reminder of the last debtor.
    def job_stored() -> bool:
        rows = stack.rows(
            "SELECT apscheduler_jobs.id FROM apscheduler_jobs JOIN reminder ON "
            "apscheduler_jobs.id = 'reminder:' || reminder.id JOIN debt ON debt.id = "
            "reminder.debt_id WHERE debt.invoice_number = :invoice",
            invoice=restart,
        )
        return bool(rows)

    wait(job_stored)
    stack.kill("gateway")
    assert status_of(stack, restart)[0] == "scheduled"
    assert [m["To"] for m in mail.messages] == ["a@example.org"]

    stack.start_gateway()  # a new process; its clock starts again 25 s before 10:00
    wait(lambda: len(mail.messages) >= 2, 60)
    time.sleep(3)  # reconcile passes later: nothing more
    assert sorted(m["To"] for m in mail.messages) == ["a@example.org", "e@example.org"]
    assert len(telegram.messages_to(chat_id)) == 1
    assert status_of(stack, restart)[0] == "sent"

    # 4. The widget debtor finds the follow-up waiting when opening the link.
    token = stack.cli("link", "--creditor", "lumen", "--invoice", in_widget).split("?t=")[1]

    async def open_widget() -> str:
        chat = Chat(stack.gateway_url, token.splitlines()[0])
        try:
            return texts(await chat.connect())
        finally:
            await chat.close()

    assert "Je reviens vers vous pour faire le point." in asyncio.run(open_widget())

    # 5. The unsubscribe link of the e-mail stops everything, on every channel.
    unsubscribe = email["List-Unsubscribe"].strip("<>")
    page = httpx.get(unsubscribe)
    assert page.status_code == 200 and "Confirmez" in page.text
    done = httpx.post(unsubscribe, content=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200
    assert (
        stack.rows(
            "SELECT count(*) FROM opt_out JOIN debt ON debt.debtor_id = opt_out.debtor_id "
            "WHERE debt.invoice_number = :invoice AND opt_out.channel IS NULL",
            invoice=by_mail,
        )[0][0]
        == 1
    )
