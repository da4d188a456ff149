"""``ecoute``: the operator's command line (migrate, import, demo data, links, console
users, serve)."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import secrets
import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from bot.db.migrate import upgrade
from bot.db.models import Creditor, Debt
from bot.db.session import make_engine, make_session_factory
from bot.domain.links import LinkSigner
from bot.domain.passwords import WeakPassword
from bot.services import handoff, payments
from bot.services.importer import ImportFailed, import_csv
from bot.settings import PROJECT_ROOT, Settings, SettingsError, load_settings

DEMO_DIR = PROJECT_ROOT / "demo"


def _sessions(settings: Settings):  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine(settings.resolved_database_url))


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    upgrade(make_engine(settings.resolved_database_url))
    print("database schema is up to date")
    return 0


def upsert_creditor(settings: Settings, spec: dict[str, object]) -> str:
    sessions = _sessions(settings)
    with sessions.begin() as session:
        creditor = session.scalar(select(Creditor).where(Creditor.slug == spec["slug"]))
        if creditor is None:
            creditor = Creditor(slug=str(spec["slug"]))
            session.add(creditor)
        for key, value in spec.items():
            if key in (
                "min_instalment",
                "prompt_discount_percent",
                "settlement_floor_percent",
                "escalate_disputes_above",
            ):
                value = Decimal(str(value)) if value is not None else None
            setattr(creditor, key, value)
        return str(creditor.slug)


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    sessions = _sessions(settings)
    try:
        with sessions.begin() as session:
            creditor = session.scalar(select(Creditor).where(Creditor.slug == args.creditor))
            if creditor is None:
                print(f"error: no creditor with slug {args.creditor!r}", file=sys.stderr)
                return 2
            report = import_csv(session, creditor, Path(args.file))
            if args.dry_run:
                session.rollback()
    except ImportFailed as failure:
        print(
            f"import refused, nothing was written ({len(failure.report.errors)} problem(s)):",
            file=sys.stderr,
        )
        for error in failure.report.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    except FileNotFoundError:
        print(f"error: file not found: {args.file}", file=sys.stderr)
        return 2
    verb = "would import" if args.dry_run else "imported"
    print(
        f"{verb}: {report.debtors_created} new debtor(s), {report.debts_created} new "
        f"invoice(s), {report.debts_updated} updated invoice(s)"
    )
    return 0


def cmd_load_demo(settings: Settings, _: argparse.Namespace) -> int:
    spec = json.loads((DEMO_DIR / "creditor.json").read_text(encoding="utf-8"))
    slug = upsert_creditor(settings, spec)
    return cmd_import(
        settings, argparse.Namespace(creditor=slug, file=DEMO_DIR / "debtors.csv", dry_run=False)
    )


def cmd_add_creditor(settings: Settings, args: argparse.Namespace) -> int:
    spec = json.loads(Path(args.file).read_text(encoding="utf-8"))
    print(f"creditor {upsert_creditor(settings, spec)} saved")
    return 0


def cmd_link(settings: Settings, args: argparse.Namespace) -> int:
    sessions = _sessions(settings)
    with sessions.begin() as session:
        debt = session.scalar(
            select(Debt)
            .join(Creditor)
            .where(Creditor.slug == args.creditor, Debt.invoice_number == args.invoice)
        )
        if debt is None:
            print(
                f"error: no invoice {args.invoice!r} for creditor {args.creditor!r}",
                file=sys.stderr,
            )
            return 2
        signer = LinkSigner(settings.link_secret_value(), settings.link_ttl_hours * 3600)
        token = signer.sign(debt.id)
        print(f"{settings.public_url}/?t={token}")
        if settings.telegram_bot_username:
            print(f"https://t.me/{settings.telegram_bot_username}?start={token}")
    return 0


def cmd_create_user(settings: Settings, args: argparse.Namespace) -> int:
    """Password: $ECOUTE_NEW_USER_PASSWORD, else asked twice on the terminal."""
    password = os.environ.get("ECOUTE_NEW_USER_PASSWORD")
    if password is None:
        password = getpass.getpass("Password (12 characters or more): ")
        if getpass.getpass("Same password again: ") != password:
            print("error: the two passwords differ", file=sys.stderr)
            return 2
    try:
        with _sessions(settings).begin() as session:
            user = handoff.create_user(
                session, args.email, args.name, args.role, password, args.creditor
            )
            print(f"{user.role} {user.email} created for {', '.join(args.creditor)}")
    except (ValueError, WeakPassword) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_import_payments(settings: Settings, args: argparse.Namespace) -> int:
    """Payments from the creditor's bank export: all rows or none, idempotent on reference."""
    text = Path(args.file).read_text(encoding="utf-8-sig")
    sessions = _sessions(settings)
    with sessions() as session:
        creditor = session.scalar(select(Creditor).where(Creditor.slug == args.creditor))
        if creditor is None:
            print(f"error: no creditor {args.creditor!r}", file=sys.stderr)
            return 2
        report = payments.import_csv(session, creditor, text, datetime.now(timezone.utc))
        if report.errors:
            session.rollback()
            for error in report.errors:
                print(f"error: {error}", file=sys.stderr)
            print("nothing imported", file=sys.stderr)
            return 2
        session.commit()
    print(f"{report.recorded} payments recorded, {report.duplicates} already known")
    return 0


def cmd_payments_secret(settings: Settings, args: argparse.Namespace) -> int:
    """The secret a creditor's payment system signs webhook calls with."""
    secret = payments.creditor_secret(settings.payments_secret_value(), args.creditor)
    print(f"{settings.public_url}/api/payments")
    print(f"{payments.CREDITOR_HEADER}: {args.creditor}")
    print(f"{payments.SIGNATURE_HEADER}: sha256=HMAC-SHA256(body, {secret})")
    return 0


DEMO_AGENT = "agent@demo.ecoute.local"


def cmd_demo_agent(settings: Settings, _: argparse.Namespace) -> int:
    """The demo creditor's agent for `make run`; its password lives in var/ (development only)."""
    if settings.environment == "production":
        print("error: no demo agent in production", file=sys.stderr)
        return 2
    path = settings.var_dir / "demo-agent-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    password = path.read_text().strip()
    with _sessions(settings).begin() as session:
        if handoff.authenticate(session, DEMO_AGENT, password) is None:
            try:
                handoff.create_user(
                    session, DEMO_AGENT, "Camille (demo agent)", "agent", password, ["lumen"]
                )
            except ValueError:  # exists with another password: leave it alone
                print(f"demo agent {DEMO_AGENT} exists; its password is not the one in {path}")
                return 0
    print(
        f"Agent console: {settings.public_url}/console/  e-mail {DEMO_AGENT}  password {password}"
    )
    return 0


def cmd_serve(settings: Settings, _: argparse.Namespace) -> int:
    import uvicorn

    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # No access log: request lines carry debtor link tokens (?t=…, ?token=…).
    uvicorn.run(
        "bot.app:create_app",
        access_log=False,
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
    )
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ecoute", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(
        func=cmd_migrate
    )
    imp = sub.add_parser("import", help="load debtors and invoices from a CSV (all or nothing)")
    imp.add_argument("--creditor", required=True, help="creditor slug")
    imp.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_import)
    cred = sub.add_parser("add-creditor", help="create or update a creditor from a JSON file")
    cred.add_argument("file")
    cred.set_defaults(func=cmd_add_creditor)
    sub.add_parser("load-demo", help="load the demo creditor and its three debtors").set_defaults(
        func=cmd_load_demo
    )
    link = sub.add_parser("link", help="print a signed, expiring link for one invoice")
    link.add_argument("--creditor", required=True)
    link.add_argument("--invoice", required=True)
    link.set_defaults(func=cmd_link)
    user = sub.add_parser("create-user", help="create a console user (agent or admin)")
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", choices=["agent", "admin"], required=True)
    user.add_argument(
        "--creditor", action="append", required=True, help="creditor slug (repeat for several)"
    )
    user.set_defaults(func=cmd_create_user)
    sub.add_parser("demo-agent", help="ensure the demo agent exists, print its login").set_defaults(
        func=cmd_demo_agent
    )
    pay = sub.add_parser(
        "import-payments",
        help="record payments from a CSV (reference,invoice_number,amount,"
        "currency,paid_on); all rows or none",
    )
    pay.add_argument("file")
    pay.add_argument("--creditor", required=True)
    pay.set_defaults(func=cmd_import_payments)
    secret = sub.add_parser("payments-secret", help="print a creditor's payments webhook secret")
    secret.add_argument("--creditor", required=True)
    secret.set_defaults(func=cmd_payments_secret)
    sub.add_parser("serve", help="run the gateway (web widget, socket.io)").set_defaults(
        func=cmd_serve
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result: int = args.func(settings, args)
    return result


if __name__ == "__main__":
    sys.exit(main())
