"""``POST /api/payments``: the creditor's payment system tells us what was paid.

Signed with HMAC-SHA256 over the raw body with the creditor's own secret (header
``X-Ecoute-Signature: sha256=<hex>``, creditor named in ``X-Ecoute-Creditor``); idempotent
on the payment reference. Body: ``{"reference", "invoice_number", "amount", "currency",
"paid_on"}``. Answers 201 when recorded, 200 when the reference was already known.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.db.models import Creditor
from bot.services import payments
from bot.services.payments import PaymentError

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


def payments_route(sessions: sessionmaker[Session], master_secret: str) -> Route:
    async def receive(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return _error(413, "body too large")
        slug = request.headers.get(payments.CREDITOR_HEADER, "")
        secret = payments.creditor_secret(master_secret, slug)
        if not slug or not payments.signature_ok(
            secret, body, request.headers.get(payments.SIGNATURE_HEADER)
        ):
            return _error(401, "missing or invalid signature")
        try:
            fields = _parse(body)
        except PaymentError as exc:
            return _error(400, str(exc))
        try:
            result = await asyncio.to_thread(_record, sessions, slug, fields)
        except PaymentError as exc:
            return _error(422, str(exc))
        return JSONResponse(result, status_code=201 if result["status"] == "recorded" else 200)

    return Route("/api/payments", receive, methods=["POST"])


def _parse(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PaymentError("body must be JSON") from exc
    if not isinstance(data, dict):
        raise PaymentError("body must be a JSON object")
    missing = [k for k in ("reference", "invoice_number", "amount", "paid_on") if k not in data]
    if missing:
        raise PaymentError(f"missing fields: {', '.join(missing)}")
    try:
        amount = Decimal(str(data["amount"]))
    except InvalidOperation as exc:
        raise PaymentError('amount: a decimal number such as "120.50"') from exc
    if amount != amount.quantize(Decimal("0.01")):
        raise PaymentError("amount: at most two decimals")
    try:
        paid_on = date.fromisoformat(str(data["paid_on"]))
    except ValueError as exc:
        raise PaymentError("paid_on: a date YYYY-MM-DD") from exc
    return {
        "reference": str(data["reference"]),
        "invoice_number": str(data["invoice_number"]),
        "amount": amount,
        "currency": str(data.get("currency", "")),
        "paid_on": paid_on,
    }


def _record(sessions: sessionmaker[Session], slug: str, fields: dict[str, Any]) -> dict[str, Any]:
    with sessions.begin() as session:
        creditor = session.scalars(select(Creditor).where(Creditor.slug == slug)).first()
        if creditor is None:  # the signature matched a derived secret, but no such creditor
            raise PaymentError("unknown creditor")
        recorded = payments.record(
            session,
            creditor,
            invoice_number=fields["invoice_number"],
            reference=fields["reference"],
            amount=fields["amount"],
            currency=fields["currency"] or creditor.currency,
            paid_on=fields["paid_on"],
            source="webhook",
            now=datetime.now(timezone.utc),
        )
        payment = recorded.payment
        return {
            "status": "recorded" if recorded.new else "duplicate",
            "payment_id": payment.id,
            "reference": payment.reference,
        }


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
