"""Web routes of the gateway: the widget script, the demo creditor page, health."""

from __future__ import annotations

import csv
import html
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from bot.db.models import Creditor, Debt, Debtor
from bot.domain.links import InvalidLink, LinkSigner
from bot.settings import PROJECT_ROOT, Settings

WEB_DIR = Path(__file__).resolve().parent
DEMO_CSV = PROJECT_ROOT / "demo" / "debtors.csv"


@dataclass(frozen=True)
class DemoDebtor:
    name: str
    language: str
    link: str
    hint: str


@lru_cache(maxsize=1)
def widget_script() -> bytes:
    """The one script a creditor embeds: the vendored socket.io client, then our widget."""
    static = WEB_DIR / "static"
    return (
        (static / "vendor" / "socket.io.min.js").read_bytes()
        + b"\n"
        + (static / "widget.src.js").read_bytes()
    )


def demo_hints() -> dict[str, tuple[str, str]]:
    """Clear identity answers of the demo debtors, read from the demo CSV (demo only)."""
    if not DEMO_CSV.exists():
        return {}
    with DEMO_CSV.open(newline="", encoding="utf-8") as handle:
        return {
            row["invoice_number"]: (row["identity_kind"], row["identity_answer"])
            for row in csv.DictReader(handle)
        }


def build_routes(
    settings: Settings, sessions: sessionmaker[Session], signer: LinkSigner
) -> list[Route]:
    templates = Environment(
        loader=FileSystemLoader(WEB_DIR / "templates"), autoescape=select_autoescape(["html"])
    )

    async def widget(_: Request) -> Response:
        return Response(
            widget_script(),
            media_type="application/javascript",
            headers={"Cache-Control": "no-cache"},
        )

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    def demo_debtors() -> list[DemoDebtor]:
        hints = demo_hints()
        with sessions.begin() as session:
            rows = session.execute(
                select(Debt, Debtor)
                .join(Debtor, Debt.debtor_id == Debtor.id)
                .join(Creditor, Debt.creditor_id == Creditor.id)
                .where(Debt.invoice_number.in_(list(hints)))
                .order_by(Debt.id)
            ).all()
            return [
                DemoDebtor(
                    name=" ".join(
                        p for p in (debtor.salutation, debtor.first_name, debtor.last_name) if p
                    )
                    or debtor.company_name,
                    language=debtor.language or "fr",
                    link=f"{settings.public_url}/?t={signer.sign(debt.id)}",
                    hint=_hint(*hints[debt.invoice_number], debtor.language or "fr"),
                )
                for debt, debtor in rows
            ]

    async def home(request: Request) -> Response:
        token = request.query_params.get("t")
        lang = request.query_params.get("lang", "")
        if token:
            try:
                claims = signer.verify(token)
            except InvalidLink:
                return HTMLResponse(_expired_page(), status_code=403)
            with sessions.begin() as session:
                debt = session.get(Debt, claims.debt_id)
                if debt is None:
                    return HTMLResponse(_expired_page(), status_code=404)
                lang = lang or debt.debtor.language or settings.default_language
        debtors = demo_debtors() if settings.demo_page else []
        page = templates.get_template("demo.html").render(
            token=token or "",
            lang=lang or settings.default_language,
            debtors=debtors,
        )
        return HTMLResponse(page)

    return [
        Route("/", home),
        Route("/widget.js", widget),
        Route("/health", health),
    ]


HINT_LABELS = {
    ("postcode", "fr"): "code postal",
    ("postcode", "en"): "postcode",
    ("birth_date", "fr"): "date de naissance",
    ("birth_date", "en"): "date of birth",
}


def _hint(kind: str, answer: str, language: str) -> str:
    return (
        f"{HINT_LABELS.get((kind, language), kind)} : {answer}"
        if language == "fr"
        else (f"{HINT_LABELS.get((kind, language), kind)}: {answer}")
    )


def _expired_page() -> str:
    text = (
        "Ce lien n'est plus valable. Demandez un nouveau lien à votre créancier. / "
        "This link is no longer valid. Please ask your creditor for a new one."
    )
    return f"<!doctype html><meta charset='utf-8'><title>Ecoute</title><p>{html.escape(text)}</p>"
