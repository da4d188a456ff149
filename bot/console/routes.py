"""The agent console: server-rendered pages under /console, live updates over socket.io.

Login with a password (argon2), a signed session cookie (HttpOnly, SameSite=Strict, Secure
when the public URL is https), a CSRF token in every form, logout. Without a session every
page redirects to the login form; a conversation of another creditor answers 404. The work
itself (claim, reply, note, hand back, close) is in ``bot.services.handoff``.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from bot.console.live import ConsoleLive
from bot.db.models import ConsoleUser, ConversationState
from bot.domain.language import as_language
from bot.domain.texts import HANDBACK_OUTCOMES
from bot.gateway.pipeline import MessagePipeline, outgoing
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.services import conversations as convs
from bot.services import handoff
from bot.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

CONSOLE_DIR = Path(__file__).resolve().parent
VENDOR_SOCKETIO = (
    PROJECT_ROOT / "bot" / "channels" / "web" / "static" / "vendor" / "socket.io.min.js"
)
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
}
OUTCOME_LABELS = {
    "plan_agreed": "Plan agreed",
    "dispute_accepted": "Dispute accepted",
    "dispute_rejected": "Dispute rejected",
    "payment_confirmed": "Payment confirmed",
    "information_given": "Information given",
    "callback_arranged": "Callback arranged",
    "other": "Other",
}

Handler = Callable[[Request, ConsoleUser], Awaitable[Response]]


@lru_cache(maxsize=1)
def console_script() -> bytes:
    return VENDOR_SOCKETIO.read_bytes() + b"\n" + (CONSOLE_DIR / "console.src.js").read_bytes()


class Console:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        pipeline: MessagePipeline,
        rasa: RasaClient,
        live: ConsoleLive,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._pipeline = pipeline
        self._rasa = rasa
        self._live = live
        self._templates = Environment(
            loader=FileSystemLoader(CONSOLE_DIR / "templates"),
            autoescape=select_autoescape(["html"]),
        )

    def mount(self) -> Mount:
        page = self._page
        routes = [
            Route("/login", self.login_form, methods=["GET"]),
            Route("/login", self.login, methods=["POST"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/console.js", self.script, methods=["GET"]),
            Route("/", page(self.queue), methods=["GET"]),
            Route("/queue", page(self.queue_fragment), methods=["GET"]),
            Route("/c/{cid}", page(self.conversation), methods=["GET"]),
            Route("/c/{cid}/claim", page(self.claim), methods=["POST"]),
            Route("/c/{cid}/reply", page(self.reply), methods=["POST"]),
            Route("/c/{cid}/note", page(self.note), methods=["POST"]),
            Route("/c/{cid}/handback", page(self.handback), methods=["POST"]),
            Route("/c/{cid}/close", page(self.close), methods=["POST"]),
            Route("/attachments/{aid:int}", page(self.attachment), methods=["GET"]),
        ]
        session = Middleware(
            SessionMiddleware,
            secret_key=self._settings.session_secret_value(),
            session_cookie="ecoute_console",
            max_age=self._settings.session_hours * 3600,
            same_site="strict",
            https_only=self._settings.public_url.startswith("https://"),
        )
        return Mount("/console", routes=routes, middleware=[session])

    # --- authentication ---------------------------------------------------------------------

    def _page(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Every console page: a signed-in, active user, a CSRF token on POST, 404 for others'."""

        async def endpoint(request: Request) -> Response:
            user = await asyncio.to_thread(self._user, request.session.get("user"))
            if user is None:
                request.session.clear()
                if request.method == "GET":
                    return RedirectResponse("/console/login", status_code=303)
                return self._render("error.html", {"message": "Please sign in."}, 401)
            if request.method == "POST":
                form = await request.form()
                request.state.form = form
                if not hmac.compare_digest(
                    str(form.get("csrf", "")), str(request.session.get("csrf", ""))
                ):
                    return self._render("error.html", {"message": "Form expired: reload."}, 403)
            try:
                return await handler(request, user)
            except handoff.AccessDenied:
                return self._render("error.html", {"message": "Not found."}, 404)

        return endpoint

    def _user(self, user_id: object) -> ConsoleUser | None:
        if not isinstance(user_id, int):
            return None
        with self._sessions() as session:
            user = session.get(ConsoleUser, user_id)
            if user is None or not user.active:
                return None
            _ = user.creditors  # loaded before the session closes
            session.expunge(user)
            return user

    async def login_form(self, request: Request) -> Response:
        request.session.setdefault("csrf", secrets.token_urlsafe(32))
        return self._render("login.html", {"csrf": request.session["csrf"], "error": None})

    async def login(self, request: Request) -> Response:
        form = await request.form()
        expected = str(request.session.get("csrf", ""))
        if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
            return self._render("error.html", {"message": "Form expired: reload."}, 403)
        email, password = str(form.get("email", "")), str(form.get("password", ""))

        def check() -> int | None:
            with self._sessions.begin() as session:
                user = handoff.authenticate(session, email, password)
                return user.id if user else None

        user_id = await asyncio.to_thread(check)
        if user_id is None:
            context = {"csrf": expected, "error": "Wrong e-mail or password."}
            return self._render("login.html", context, 401)
        request.session.clear()  # a fresh session: no fixation
        request.session.update(user=user_id, csrf=secrets.token_urlsafe(32))
        return RedirectResponse("/console/", status_code=303)

    async def logout(self, request: Request) -> Response:
        form = await request.form()
        if hmac.compare_digest(str(form.get("csrf", "")), str(request.session.get("csrf", ""))):
            request.session.clear()
        return RedirectResponse("/console/login", status_code=303)

    async def script(self, request: Request) -> Response:
        return Response(console_script(), media_type="application/javascript")

    # --- pages ------------------------------------------------------------------------------

    async def queue(self, request: Request, user: ConsoleUser) -> Response:
        items = await self._read(lambda s: handoff.queue(s, self._attached(s, user)))
        return self._render("queue.html", self._context(request, user, items=items))

    async def queue_fragment(self, request: Request, user: ConsoleUser) -> Response:
        items = await self._read(lambda s: handoff.queue(s, self._attached(s, user)))
        return self._render("queue_table.html", {"items": items})

    async def conversation(self, request: Request, user: ConsoleUser) -> Response:
        cid = request.path_params["cid"]

        def load(session: Session) -> dict[str, Any]:
            seen = handoff.view(session, self._attached(session, user), cid)
            conversation = seen.conversation
            convs.audit(  # who read a debtor's conversation, and when
                session,
                f"{user.role}:{user.id}",
                "conversation_viewed",
                debtor_id=conversation.debtor_id,
                conversation_id=cid,
            )
            return {
                "view": seen,
                "debtor": handoff.display_name(conversation.debt),
                "creditor": conversation.debt.debtor.creditor.name,
                "invoice": conversation.debt.invoice_number,
                "amount": f"{conversation.debt.amount_due} {conversation.debt.currency}",
                "mine": bool(seen.escalation and seen.escalation.claimed_by_id == user.id),
                "holder": seen.escalation.claimed_by.name
                if seen.escalation and seen.escalation.claimed_by
                else None,
                "last_id": seen.messages[-1].id if seen.messages else 0,
                "note_authors": {n.id: n.user.name for n in seen.notes},
            }

        data = await self._write(load)
        context = self._context(request, user, **data)
        context.update(
            outcomes=OUTCOME_LABELS,
            error=request.query_params.get("error"),
            cid=cid,
        )
        return self._render("conversation.html", context)

    async def attachment(self, request: Request, user: ConsoleUser) -> Response:
        aid = request.path_params["aid"]

        def load(session: Session) -> tuple[str, str, str]:
            found = handoff.attachment_for(session, self._attached(session, user), aid)
            convs.audit(
                session,
                f"{user.role}:{user.id}",
                "attachment_opened",
                conversation_id=found.conversation_id,
                attachment_id=found.id,
            )
            return found.path, found.filename, found.mime_type

        path, filename, mime = await self._write(load)
        full = self._settings.var_dir / "attachments" / path
        return FileResponse(full, media_type=mime, filename=filename, headers=SECURITY_HEADERS)

    # --- actions ----------------------------------------------------------------------------

    async def claim(self, request: Request, user: ConsoleUser) -> Response:
        cid = request.path_params["cid"]

        def state(session: Session) -> str:
            return handoff.conversation_for(session, self._attached(session, user), cid).state

        if await self._read(state) == ConversationState.BOT.value:
            try:  # the bot still held it: pause Rasa before a person speaks
                await self._rasa.pause(cid)
            except RasaUnavailable:
                return self._back(cid, "rasa")
        try:
            await self._write(lambda s: handoff.claim(s, self._attached(s, user), cid))
        except handoff.HeldByAnother:
            return self._back(cid, "held")
        await self._live.announce_queue(cid)
        return self._back(cid)

    async def reply(self, request: Request, user: ConsoleUser) -> Response:
        cid = request.path_params["cid"]
        text = str(self._form(request).get("text", ""))
        try:
            message = await self._write(
                lambda s: outgoing(handoff.reply(s, self._attached(s, user), cid, text))
            )
        except handoff.HeldByAnother:
            return self._back(cid, "held")
        except handoff.ThreateningWords:
            return self._back(cid, "threatening")
        except ValueError:
            return self._back(cid, "empty")
        await self._pipeline.publish(cid, [message])
        return self._back(cid)

    async def note(self, request: Request, user: ConsoleUser) -> Response:
        cid = request.path_params["cid"]
        text = str(self._form(request).get("text", ""))
        try:
            await self._write(lambda s: handoff.add_note(s, self._attached(s, user), cid, text))
        except ValueError:
            return self._back(cid, "empty")
        return self._back(cid)

    async def handback(self, request: Request, user: ConsoleUser) -> Response:
        cid = request.path_params["cid"]
        outcome = str(self._form(request).get("outcome", ""))
        if outcome not in handoff.OUTCOMES:
            return self._back(cid, "outcome")
        try:
            await self._read(lambda s: handoff.ensure_held(s, self._attached(s, user), cid))
        except handoff.HeldByAnother:
            return self._back(cid, "held")
        try:
            await self._rasa.resume(cid, outcome)
        except RasaUnavailable:
            return self._back(cid, "rasa")

        def finish(session: Session) -> str:
            handoff.hand_back(session, self._attached(session, user), cid, outcome)
            return handoff.conversation_for(
                session, self._attached(session, user), cid
            ).debt.debtor.creditor.name

        creditor = await self._write(finish)
        await self._pipeline.say(
            cid,
            "handed_back",
            author="bot",
            agent=user.name,
            creditor=creditor,
            outcome=HANDBACK_OUTCOMES[outcome],
        )
        await self._live.announce_queue(cid)
        return RedirectResponse("/console/", status_code=303)

    async def close(self, request: Request, user: ConsoleUser) -> Response:
        cid = request.path_params["cid"]
        outcome = str(self._form(request).get("outcome", ""))
        try:
            await self._write(lambda s: handoff.close(s, self._attached(s, user), cid, outcome))
        except handoff.HeldByAnother:
            return self._back(cid, "held")
        except ValueError:
            return self._back(cid, "outcome")
        await self._live.announce_queue(cid)
        return RedirectResponse("/console/", status_code=303)

    # --- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _form(request: Request) -> FormData:
        form: FormData = request.state.form
        return form

    @staticmethod
    def _attached(session: Session, user: ConsoleUser) -> ConsoleUser:
        attached = session.get(ConsoleUser, user.id)
        assert attached is not None
        return attached

    async def _read(self, work: Callable[[Session], Any]) -> Any:
        def run() -> Any:
            with self._sessions() as session:
                return work(session)

        return await asyncio.to_thread(run)

    async def _write(self, work: Callable[[Session], Any]) -> Any:
        def run() -> Any:
            with self._sessions.begin() as session:
                return work(session)

        return await asyncio.to_thread(run)

    @staticmethod
    def _back(cid: str, error: str | None = None) -> Response:
        suffix = f"?error={error}" if error else ""
        return RedirectResponse(f"/console/c/{cid}{suffix}", status_code=303)

    def _context(self, request: Request, user: ConsoleUser, **extra: Any) -> dict[str, Any]:
        return {
            "user": user,
            "csrf": request.session.get("csrf", ""),
            "live_token": self._live.token_for(user.id),
            "language": as_language,
            **extra,
        }

    def _render(self, name: str, context: dict[str, Any], status: int = 200) -> Response:
        body = self._templates.get_template(name).render(**context)
        return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
