"""Payments received (signed webhook or CSV): the ledger moves, reminders follow.

A payment is unique per creditor and reference, so a webhook delivered twice or a CSV
imported twice counts once. It lowers what is due, fills the accepted plan's instalments in
order, reconciles a pending "I already paid" claim, and re-plans the debt's reminders, which
cancels those it made pointless.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Creditor, Debt, Payment, PaymentClaim
from bot.services import reminders
from bot.services.conversations import audit

SIGNATURE_HEADER = "X-Ecoute-Signature"
CREDITOR_HEADER = "X-Ecoute-Creditor"


class PaymentError(ValueError):
    """A payment we refuse, with a message the sender can act on."""


def creditor_secret(master: str, creditor_slug: str) -> str:
    """Each creditor's webhook secret, derived from the one master secret in the
    environment: nothing to store, and one creditor's secret reveals nothing of another's."""
    return hmac.new(master.encode(), f"payments:{creditor_slug}".encode(), "sha256").hexdigest()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    return header is not None and hmac.compare_digest(signature(secret, body), header.strip())


@dataclass(frozen=True)
class Recorded:
    payment: Payment
    new: bool  # False: this reference was already recorded (a re-delivery)


def record(
    session: Session,
    creditor: Creditor,
    *,
    invoice_number: str,
    reference: str,
    amount: Decimal,
    currency: str,
    paid_on: date,
    source: str,
    now: datetime,
) -> Recorded:
    """Record one payment in the caller's transaction (idempotent on the reference)."""
    reference = reference.strip()
    if not reference or len(reference) > 120:
        raise PaymentError("reference: required, at most 120 characters")
    if amount <= 0:
        raise PaymentError("amount: must be positive")
    existing = session.scalars(
        select(Payment).where(Payment.creditor_id == creditor.id, Payment.reference == reference)
    ).first()
    if existing is not None:
        if existing.amount != amount:
            raise PaymentError(f"reference {reference!r} was already recorded with another amount")
        return Recorded(existing, False)
    debt = session.scalars(
        select(Debt).where(Debt.creditor_id == creditor.id, Debt.invoice_number == invoice_number)
    ).first()
    if debt is None:
        raise PaymentError(f"no invoice {invoice_number!r} for this creditor")
    if currency.upper() != debt.currency:
        raise PaymentError(f"currency {currency!r} differs from the invoice's {debt.currency}")

    payment = Payment(
        creditor_id=creditor.id,
        debt_id=debt.id,
        reference=reference,
        amount=amount,
        currency=debt.currency,
        paid_on=paid_on,
        source=source,
        created_at=now,
    )
    session.add(payment)
    debt.amount_due = max(debt.amount_due - amount, Decimal("0"))
    if debt.amount_due == 0 and debt.status == "open":
        debt.status = "paid"
    _fill_instalments(session, debt, amount)
    for claim in session.scalars(
        select(PaymentClaim).where(
            PaymentClaim.debt_id == debt.id, PaymentClaim.status == "pending_reconciliation"
        )
    ):
        claim.status = "reconciled"
    session.flush()
    audit(
        session,
        source,
        "payment_recorded",
        debtor_id=debt.debtor_id,
        payment_id=payment.id,
        debt_id=debt.id,
        amount=str(amount),
        reference=reference,
    )
    reminders.sync_debt(session, debt, now)
    return Recorded(payment, True)


def _fill_instalments(session: Session, debt: Debt, amount: Decimal) -> None:
    plan = reminders.accepted_plan(session, debt.id)
    if plan is None:
        return
    left = amount
    for instalment in plan.instalments:
        if left <= 0:
            break
        missing = instalment.amount - instalment.paid_amount
        if missing <= 0:
            continue
        paid = min(missing, left)
        instalment.paid_amount += paid
        left -= paid
        if instalment.paid_amount >= instalment.amount:
            instalment.status = "paid"
    if all(i.status == "paid" for i in plan.instalments):
        plan.status = "completed"


# --- CSV ----------------------------------------------------------------------------------------

CSV_COLUMNS = ("reference", "invoice_number", "amount", "currency", "paid_on")


@dataclass
class CsvReport:
    recorded: int = 0
    duplicates: int = 0
    errors: list[str] | None = None


def import_csv(session: Session, creditor: Creditor, text: str, now: datetime) -> CsvReport:
    """Record every row or none (one bad row → nothing written, every error listed)."""
    report = CsvReport(errors=[])
    assert report.errors is not None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        report.errors.append(f"missing columns: {', '.join(missing)}")
        return report
    for line, row in enumerate(reader, start=2):
        try:
            amount = Decimal(row["amount"].strip().replace(",", "."))
            paid_on = date.fromisoformat(row["paid_on"].strip())
        except (ArithmeticError, ValueError):
            report.errors.append(f"line {line}: amount or paid_on unreadable")
            continue
        try:
            with session.begin_nested():
                recorded = record(
                    session,
                    creditor,
                    invoice_number=row["invoice_number"].strip(),
                    reference=row["reference"],
                    amount=amount,
                    currency=row["currency"].strip() or creditor.currency,
                    paid_on=paid_on,
                    source="csv",
                    now=now,
                )
        except PaymentError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        if recorded.new:
            report.recorded += 1
        else:
            report.duplicates += 1
    return report
