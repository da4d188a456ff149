"""CSV import: everything or nothing, with line numbers for every bad row."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_creditor
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Debt, Debtor
from bot.domain import identity
from bot.services.importer import ImportFailed, import_csv

HEADER = (
    "external_ref,kind,salutation,first_name,last_name,company_name,language,email,phone,"
    "timezone,identity_kind,identity_answer,invoice_number,description,issued_on,due_on,"
    "amount_original,amount_due,currency\n"
)
GOOD = (
    "C-1,consumer,Mme,Claire,Durand,,fr,,,Europe/Paris,postcode,75011,F-1,,"
    "2024-03-01,2024-03-31,1480.00,,EUR\n"
)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "debtors.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_valid_file_creates_debtors_and_hashes_the_identity_answer(
    session: Session, tmp_path: Path
) -> None:
    creditor = make_creditor(session)
    report = import_csv(session, creditor, write(tmp_path, GOOD + GOOD.replace("F-1", "F-2")))

    assert (report.debtors_created, report.debts_created) == (1, 2)
    debtor = session.scalars(select(Debtor).where(Debtor.creditor_id == creditor.id)).one()
    assert "75011" not in debtor.identity_hash
    assert identity.check_answer("postcode", "75 011", debtor.identity_hash)
    debt = session.scalars(select(Debt).where(Debt.invoice_number == "F-1")).one()
    assert str(debt.amount_due) == "1480.00"


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_written(
    session: Session, tmp_path: Path
) -> None:
    creditor = make_creditor(session)
    bad_amount = GOOD.replace("F-1", "F-2").replace("1480.00", "1 480 EUR")
    bad_date = GOOD.replace("F-1", "F-3").replace("2024-03-31", "31/03/2024")
    bad_zone = GOOD.replace("F-1", "F-4").replace("Europe/Paris", "Mars/Olympus")
    path = write(tmp_path, GOOD + bad_amount + bad_date + bad_zone + GOOD)

    with pytest.raises(ImportFailed) as failure:
        import_csv(session, creditor, path)

    errors = failure.value.report.errors
    assert any(e.startswith("line 3: amount_original") for e in errors)
    assert any(e.startswith("line 4: due_on") for e in errors)
    assert any(e.startswith("line 5: unknown timezone") for e in errors)
    assert any(e.startswith("line 6: invoice F-1 already on line 2") for e in errors)
    count = session.scalar(
        select(func.count()).select_from(Debt).where(Debt.creditor_id == creditor.id)
    )
    assert count == 0


def test_missing_columns_are_named(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("external_ref,invoice_number\nC-1,F-1\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="missing columns: identity_kind"):
        import_csv(session, make_creditor(session), path)
