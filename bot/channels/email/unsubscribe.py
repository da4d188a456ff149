"""The unsubscribe link every reminder e-mail carries (G-04: stop means stop).

GET shows one confirmation button (mail scanners follow links, so a GET changes nothing);
POST records the opt-out for every channel, also as RFC 8058 one-click from the mail
client. The token is signed with its own key and names the debtor, not a debt.
"""

from __future__ import annotations

import asyncio
import html

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from bot.db.models import Debtor, OptOut, Reminder, ReminderStatus
from bot.domain.links import InvalidLink, LinkSigner
from bot.domain.texts import Language, render
from bot.services.conversations import audit

UNSUBSCRIBE_DAYS = 400  # a reminder stays unsubscribable for more than a year


def unsubscribe_signer(link_secret: str) -> LinkSigner:
    return LinkSigner(f"{link_secret}:unsubscribe", UNSUBSCRIBE_DAYS * 24 * 3600)


def opt_out_everywhere(session: Session, debtor: Debtor, source: str) -> bool:
    """Record the stop (once) and cancel what was scheduled; False if already stopped."""
    already = session.scalars(
        select(OptOut).where(OptOut.debtor_id == debtor.id, OptOut.channel.is_(None))
    ).first()
    if already is not None:
        return False
    session.add(OptOut(debtor_id=debtor.id, channel=None))
    for reminder in session.scalars(
        select(Reminder).where(
            Reminder.debtor_id == debtor.id, Reminder.status == ReminderStatus.SCHEDULED.value
        )
    ):
        reminder.status = ReminderStatus.CANCELLED.value
        reminder.reason = "the debtor opted out"
    audit(session, source, "opted_out", debtor_id=debtor.id, scope="all")
    return True


def unsubscribe_routes(sessions: sessionmaker[Session], signer: LinkSigner) -> list[Route]:
    def find(token: str) -> tuple[int, Language, str] | None:
        try:
            debtor_id = signer.verify(token).debt_id
        except InvalidLink:
            return None
        with sessions.begin() as session:
            debtor = session.get(Debtor, debtor_id)
            if debtor is None:
                return None
            language: Language = "en" if debtor.language == "en" else "fr"
            return debtor.id, language, debtor.creditor.name

    def stop(debtor_id: int) -> None:
        with sessions.begin() as session:
            debtor = session.get(Debtor, debtor_id)
            if debtor is not None:
                opt_out_everywhere(session, debtor, "unsubscribe_link")

    async def page(request: Request) -> Response:
        token = request.query_params.get("t", "")
        found = await asyncio.to_thread(find, token)
        if found is None:
            return HTMLResponse(_page("fr", _invalid()), status_code=404)
        _, language, creditor = found
        if request.method == "POST":
            await asyncio.to_thread(stop, found[0])
            body = f"<p>{html.escape(render('unsubscribe_done', language, creditor=creditor))}</p>"
            return HTMLResponse(_page(language, body))
        question = html.escape(render("unsubscribe_confirm", language, creditor=creditor))
        button = html.escape(render("unsubscribe_button", language))
        form = (
            f"<p>{question}</p><form method='post' action='/unsubscribe?t={html.escape(token)}'>"
            f"<button type='submit'>{button}</button></form>"
        )
        return HTMLResponse(_page(language, form))

    return [Route("/unsubscribe", page, methods=["GET", "POST"])]


def _invalid() -> str:
    return (
        "<p>Ce lien n'est pas valable. / This link is not valid.</p>"
        "<p>Pour ne plus recevoir de messages, répondez STOP à l'un d'eux. / "
        "To stop all messages, reply STOP to any of them.</p>"
    )


def _page(language: str, body: str) -> str:
    return (
        f"<!doctype html><html lang='{language}'><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Ecoute</title><body style='font-family:sans-serif;max-width:36em;margin:2em auto'>"
        f"{body}</body></html>"
    )
