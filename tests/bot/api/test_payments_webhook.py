"""POST /api/payments: signed per creditor, idempotent on the reference, clear errors."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette

from bot.api.payments import payments_route
from bot.channels.email.unsubscribe import unsubscribe_routes, unsubscribe_signer
from bot.db.models import Debt, OptOut, Payment, Reminder
from bot.services import payments, reminders
from tests.support.factories import make_creditor, make_debt

MASTER = "m" * 40


def client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def post(slug: str, body: dict[str, object], secret: str | None = None) -> dict[str, object]:
    raw = json.dumps(body).encode()
    key = secret or payments.creditor_secret(MASTER, slug)
    return {
        "content": raw,
        "headers": {
            "Content-Type": "application/json",
            payments.CREDITOR_HEADER: slug,
            payments.SIGNATURE_HEADER: payments.signature(key, raw),
        },
    }


async def test_a_signed_payment_is_recorded_once_and_settles_the_debt(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        creditor = make_creditor(session)
        debt = make_debt(session, creditor, amount="150.00", due_on=date(2026, 3, 10))
        reminders.sync_debt(session, debt, datetime(2026, 3, 1, tzinfo=timezone.utc))
        slug, invoice, debt_id = creditor.slug, debt.invoice_number, debt.id
    app = Starlette(routes=[payments_route(sessions, MASTER)])
    body = {
        "reference": "VIR-991",
        "invoice_number": invoice,
        "amount": "150.00",
        "currency": "EUR",
        "paid_on": "2026-03-09",
    }
    async with client(app) as http:
        first = await http.post("/api/payments", **post(slug, body))  # type: ignore[arg-type]
        again = await http.post("/api/payments", **post(slug, body))  # type: ignore[arg-type]
    assert first.status_code == 201 and first.json()["status"] == "recorded"
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    with sessions.begin() as session:
        assert len(session.scalars(select(Payment).where(Payment.debt_id == debt_id)).all()) == 1
        debt_row = session.get(Debt, debt_id)
        assert debt_row is not None and debt_row.status == "paid" and debt_row.amount_due == 0
        states = {
            r.status for r in session.scalars(select(Reminder).where(Reminder.debt_id == debt_id))
        }
        assert states == {"cancelled"}


async def test_bad_signatures_and_bad_bodies_get_clear_errors(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        creditor = make_creditor(session)
        other = make_creditor(session)
        debt = make_debt(session, creditor, amount="80.00")
        slug, other_slug, invoice = creditor.slug, other.slug, debt.invoice_number
    app = Starlette(routes=[payments_route(sessions, MASTER)])
    good = {
        "reference": "R1",
        "invoice_number": invoice,
        "amount": "10.00",
        "paid_on": "2026-03-09",
    }
    async with client(app) as http:
        # signed with another creditor's secret: refused
        wrong = await http.post(
            "/api/payments", **post(slug, good, payments.creditor_secret(MASTER, other_slug))
        )  # type: ignore[arg-type]
        assert wrong.status_code == 401
        unsigned = await http.post(
            "/api/payments", json=good, headers={payments.CREDITOR_HEADER: slug}
        )
        assert unsigned.status_code == 401
        cases = [
            ({**good, "amount": "ten"}, 400, "amount"),
            ({**good, "amount": "10.001"}, 400, "two decimals"),
            ({**good, "paid_on": "09/03/2026"}, 400, "paid_on"),
            ({k: v for k, v in good.items() if k != "reference"}, 400, "reference"),
            ({**good, "invoice_number": "NOPE"}, 422, "no invoice"),
            ({**good, "currency": "USD"}, 422, "currency"),
            ({**good, "amount": "-5"}, 422, "positive"),
        ]
        for body, code, words in cases:
            answer = await http.post("/api/payments", **post(slug, body))  # type: ignore[arg-type]
            assert answer.status_code == code, body
            assert words in answer.json()["error"], answer.json()
        # the same reference with another amount is refused, not silently merged
        assert (await http.post("/api/payments", **post(slug, good))).status_code == 201  # type: ignore[arg-type]
        changed = await http.post("/api/payments", **post(slug, {**good, "amount": "11.00"}))  # type: ignore[arg-type]
        assert changed.status_code == 422
    with sessions.begin() as session:
        debt_row = session.scalars(select(Debt).where(Debt.invoice_number == invoice)).one()
        assert debt_row.amount_due == Decimal("70.00")


async def test_the_unsubscribe_link_asks_then_stops_every_channel(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        creditor = make_creditor(session)
        debt = make_debt(session, creditor, due_on=date(2026, 3, 10))
        reminders.sync_debt(session, debt, datetime(2026, 3, 1, tzinfo=timezone.utc))
        debtor_id = debt.debtor_id
    signer = unsubscribe_signer("secret" * 8)
    app = Starlette(routes=unsubscribe_routes(sessions, signer))
    token = signer.sign(debtor_id)
    async with client(app) as http:
        page = await http.get(f"/unsubscribe?t={token}")
        assert page.status_code == 200 and "Confirmez" in page.text
        with sessions.begin() as session:  # a GET (mail scanners follow links) changes nothing
            assert session.scalars(select(OptOut)).all() == []
        done = await http.post(f"/unsubscribe?t={token}", content=b"List-Unsubscribe=One-Click")
        assert done.status_code == 200 and "aucun canal" in done.text
        assert (await http.get("/unsubscribe?t=forged")).status_code == 404
    with sessions.begin() as session:
        assert [o.channel for o in session.scalars(select(OptOut))] == [None]
        states = {r.status for r in session.scalars(select(Reminder))}
        assert states == {"cancelled"}
