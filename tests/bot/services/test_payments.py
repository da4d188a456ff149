"""Payments: allocation to the plan, claims reconciled, CSV all-or-nothing, and the CLI."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import cli
from bot.db.migrate import upgrade
from bot.db.models import Debt, Payment, PaymentClaim
from bot.db.session import make_engine, make_session_factory
from bot.services import payments
from tests.support.factories import (
    make_accepted_plan,
    make_conversation,
    make_creditor,
    make_debt,
)

NOW = datetime(2026, 3, 10, 9, tzinfo=timezone.utc)


def test_a_payment_fills_instalments_in_order_and_reconciles_a_claim(session: Session) -> None:
    creditor = make_creditor(session)
    debt = make_debt(session, creditor, amount="300.00")
    plan = make_accepted_plan(session, debt, date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1))
    conversation = make_conversation(session, debt)
    session.add(PaymentClaim(debt_id=debt.id, conversation_id=conversation.id, currency="EUR"))
    session.flush()
    session.refresh(plan)
    payments.record(
        session,
        creditor,
        invoice_number=debt.invoice_number,
        reference="A",
        amount=Decimal("150.00"),
        currency="EUR",
        paid_on=date(2026, 3, 9),
        source="webhook",
        now=NOW,
    )
    assert [(i.status, i.paid_amount) for i in plan.instalments] == [
        ("paid", Decimal("100")),
        ("due", Decimal("50")),
        ("due", Decimal("0")),
    ]
    assert debt.amount_due == Decimal("150.00") and debt.status == "open"
    assert session.scalars(select(PaymentClaim)).one().status == "reconciled"
    payments.record(
        session,
        creditor,
        invoice_number=debt.invoice_number,
        reference="B",
        amount=Decimal("150.00"),
        currency="EUR",
        paid_on=date(2026, 4, 9),
        source="webhook",
        now=NOW,
    )
    assert plan.status == "completed" and debt.status == "paid"


def test_a_csv_with_one_bad_row_lists_every_error(session: Session) -> None:
    creditor = make_creditor(session)
    debt = make_debt(session, creditor, amount="100.00")
    text = (
        "reference,invoice_number,amount,currency,paid_on\n"
        f"R1,{debt.invoice_number},40.00,EUR,2026-03-01\n"
        f"R2,{debt.invoice_number},abc,EUR,2026-03-01\n"
        "R3,UNKNOWN,10.00,EUR,2026-03-01\n"
    )
    report = payments.import_csv(session, creditor, text, NOW)
    assert report.errors == [
        "line 3: amount or paid_on unreadable",
        "line 4: no invoice 'UNKNOWN' for this creditor",
    ]
    assert payments.import_csv(session, creditor, "a,b\n1,2\n", NOW).errors == [
        "missing columns: reference, invoice_number, amount, currency, paid_on"
    ]


def test_the_cli_imports_all_rows_or_none_and_twice_counts_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        creditor = make_creditor(session)
        debt = make_debt(session, creditor, amount="100.00")
        slug, invoice = creditor.slug, debt.invoice_number
    monkeypatch.setenv("ECOUTE_DATABASE_URL", url)
    monkeypatch.setenv("ECOUTE_VAR_DIR", str(tmp_path))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"reference,invoice_number,amount,currency,paid_on\nR1,{invoice},40,EUR,"
        "2026-03-01\nR2,NOPE,1,EUR,2026-03-01\n"
    )
    assert cli.main(["import-payments", str(bad), "--creditor", slug]) == 2
    assert "nothing imported" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(
        f"reference,invoice_number,amount,currency,paid_on\nR1,{invoice},40,EUR,2026-03-01\n"
    )
    assert cli.main(["import-payments", str(good), "--creditor", slug]) == 0
    assert cli.main(["import-payments", str(good), "--creditor", slug]) == 0
    assert "0 payments recorded, 1 already known" in capsys.readouterr().out
    with sessions.begin() as session:
        assert len(session.scalars(select(Payment)).all()) == 1
        assert session.scalars(select(Debt)).one().amount_due == Decimal("60.00")
    engine.dispose()
