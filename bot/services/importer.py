"""Load a creditor's debtors and invoices from CSV: all rows or nothing.

Format (UTF-8, comma-separated, header row; one row per invoice, debtor columns repeated):

| column | required | example |
|---|---|---|
| external_ref | yes | C-1042 (the creditor's customer id) |
| kind | no | consumer (default) or business |
| salutation, first_name, last_name, company_name | name or company | Mme, Claire, Durand |
| language | no | fr or en (empty: detected from the debtor's first message) |
| email, phone | no | |
| timezone | no | Europe/Paris (default) |
| identity_kind | yes | postcode or birth_date |
| identity_answer | yes | 75011 or 12/04/1981 (stored hashed, never in clear) |
| invoice_number | yes | F-2024-113 (unique per creditor) |
| description | no | Abonnement électricité mars |
| issued_on, due_on | yes | 2024-03-01 (ISO dates) |
| amount_original | yes | 1480.00 (dot decimal) |
| amount_due | no | defaults to amount_original |
| currency | no | EUR (default), USD or GBP |
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Creditor, Debt, Debtor
from bot.domain import identity
from bot.services.conversations import audit

REQUIRED = (
    "external_ref",
    "identity_kind",
    "identity_answer",
    "invoice_number",
    "issued_on",
    "due_on",
    "amount_original",
)
CURRENCIES = ("EUR", "USD", "GBP")


@dataclass
class ImportReport:
    debtors_created: int = 0
    debts_created: int = 0
    debts_updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(Exception):
    def __init__(self, report: ImportReport):
        super().__init__("; ".join(report.errors))
        self.report = report


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]
    issued_on: date
    due_on: date
    amount_original: Decimal
    amount_due: Decimal
    currency: str


def _parse_row(line: int, values: dict[str, str], errors: list[str]) -> _Row | None:
    problems: list[str] = []
    for name in REQUIRED:
        if not values.get(name, "").strip():
            problems.append(f"{name} is empty")
    if not (values.get("last_name", "").strip() or values.get("company_name", "").strip()):
        problems.append("last_name or company_name is required")
    kind = values.get("kind", "").strip() or "consumer"
    if kind not in ("consumer", "business"):
        problems.append(f"kind must be consumer or business, not {kind!r}")
    language = values.get("language", "").strip()
    if language not in ("", "fr", "en"):
        problems.append(f"language must be fr, en or empty, not {language!r}")
    tz = values.get("timezone", "").strip() or "Europe/Paris"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"unknown timezone {tz!r}")
    currency = (values.get("currency", "").strip() or "EUR").upper()
    if currency not in CURRENCIES:
        problems.append(f"currency must be one of {', '.join(CURRENCIES)}")
    dates: dict[str, date] = {}
    for name in ("issued_on", "due_on"):
        raw = values.get(name, "").strip()
        if raw:
            try:
                dates[name] = date.fromisoformat(raw)
            except ValueError:
                problems.append(f"{name} must be an ISO date (YYYY-MM-DD), not {raw!r}")
    amounts: dict[str, Decimal] = {}
    for name in ("amount_original", "amount_due"):
        raw = values.get(name, "").strip()
        if not raw:
            continue
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            problems.append(f"{name} must be a number like 1480.00, not {raw!r}")
            continue
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            problems.append(f"{name} must be positive with at most 2 decimals")
        amounts[name] = amount
    kind_id = values.get("identity_kind", "").strip()
    if kind_id and kind_id not in identity.CHALLENGE_KINDS:
        problems.append(f"identity_kind must be postcode or birth_date, not {kind_id!r}")
    elif (
        kind_id
        and values.get("identity_answer", "").strip()
        and identity.normalise_answer(kind_id, values["identity_answer"]) is None
    ):
        problems.append(f"identity_answer is not a valid {kind_id}")
    if problems:
        errors.extend(f"line {line}: {p}" for p in problems)
        return None
    original = amounts["amount_original"]
    return _Row(
        line,
        values,
        dates["issued_on"],
        dates["due_on"],
        original,
        amounts.get("amount_due", original),
        currency,
    )


def import_csv(session: Session, creditor: Creditor, path: Path) -> ImportReport:
    """Validate every row first; write only if all are valid. Raises ImportFailed otherwise."""
    report = ImportReport()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            report.errors.append(f"line 1: missing columns: {', '.join(missing)}")
            raise ImportFailed(report)
        rows = [_parse_row(n, dict(v), report.errors) for n, v in enumerate(reader, start=2)]
    seen: dict[str, int] = {}
    for row in rows:
        if row is None:
            continue
        invoice = row.values["invoice_number"].strip()
        if invoice in seen:
            report.errors.append(
                f"line {row.line}: invoice {invoice} already on line {seen[invoice]}"
            )
        seen[invoice] = row.line
    if report.errors:
        raise ImportFailed(report)
    for row in rows:
        assert row is not None
        _write(session, creditor, row, report)
    audit(
        session,
        "import",
        "csv_imported",
        creditor=creditor.slug,
        file=path.name,
        debtors=report.debtors_created,
        debts=report.debts_created,
    )
    return report


def _write(session: Session, creditor: Creditor, row: _Row, report: ImportReport) -> None:
    v = {k: (val or "").strip() for k, val in row.values.items()}
    debtor = session.scalar(
        select(Debtor).where(
            Debtor.creditor_id == creditor.id, Debtor.external_ref == v["external_ref"]
        )
    )
    if debtor is None:
        debtor = Debtor(
            creditor_id=creditor.id,
            external_ref=v["external_ref"],
            identity_kind=v["identity_kind"],
            identity_hash=identity.hash_answer(v["identity_kind"], v["identity_answer"]),
        )
        session.add(debtor)
        report.debtors_created += 1
    debtor.kind = v.get("kind") or "consumer"
    debtor.salutation = v.get("salutation", "")
    debtor.first_name = v.get("first_name", "")
    debtor.last_name = v.get("last_name", "")
    debtor.company_name = v.get("company_name", "")
    debtor.language = v.get("language") or None
    debtor.email = v.get("email", "")
    debtor.phone = v.get("phone", "")
    debtor.timezone = v.get("timezone") or "Europe/Paris"
    session.flush()
    debt = session.scalar(
        select(Debt).where(
            Debt.creditor_id == creditor.id, Debt.invoice_number == v["invoice_number"]
        )
    )
    if debt is None:
        debt = Debt(
            creditor_id=creditor.id,
            debtor_id=debtor.id,
            invoice_number=v["invoice_number"],
            issued_on=row.issued_on,
            due_on=row.due_on,
            amount_original=row.amount_original,
            amount_due=row.amount_due,
            currency=row.currency,
        )
        session.add(debt)
        report.debts_created += 1
    else:
        debt.amount_due = row.amount_due
        debt.due_on = row.due_on
        report.debts_updated += 1
    debt.description = v.get("description", "")
