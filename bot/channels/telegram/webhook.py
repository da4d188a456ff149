"""The webhook route: Telegram posts updates here; we answer 200 only once one is stored.

The ``X-Telegram-Bot-Api-Secret-Token`` header must carry the secret we registered with
``setWebhook``; anything else is refused before the body is read. A database failure answers
503 so that Telegram delivers the update again later.
"""

from __future__ import annotations

import hmac
import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.channels.telegram.channel import WEBHOOK_PATH, TelegramChannel

log = logging.getLogger(__name__)


def webhook_route(channel: TelegramChannel, secret: str) -> Route:
    async def receive(request: Request) -> JSONResponse:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        try:
            payload = await request.json()
        except ValueError:
            return JSONResponse({"ok": False, "error": "body is not JSON"}, status_code=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return JSONResponse({"ok": False, "error": "not a Telegram update"}, status_code=400)
        try:
            await channel.receive(payload)
        except SQLAlchemyError as exc:
            log.error("Telegram update %s not stored: %s", payload["update_id"], type(exc).__name__)
            return JSONResponse({"ok": False, "error": "try again later"}, status_code=503)
        return JSONResponse({"ok": True})

    return Route(WEBHOOK_PATH, receive, methods=["POST"])
