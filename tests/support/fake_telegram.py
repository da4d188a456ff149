"""A local fake of the Telegram Bot API, over real HTTP, for the gateway's Telegram channel.

It answers the methods Ecoute calls (getMe, setWebhook, deleteWebhook, getUpdates,
sendMessage, sendChatAction, answerCallbackQuery, editMessageReplyMarkup, getFile and file
downloads), records them, and plays the debtor's side: updates are queued for long polling
or posted to the registered webhook with its secret header, and re-posted until the gateway
answers 200, as Telegram does. ``fail_next("sendMessage", 1)`` answers 429 with
``retry_after`` to test the back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Ecoute", "username": "ecoute_test_bot"}


@dataclass
class Sent:
    """One message the bot sent to a chat."""

    chat_id: int
    message_id: int
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, callback data)


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-TOKEN") -> None:
        self.token = token
        self.port = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent: list[Sent] = []
        self.files: dict[str, bytes] = {}
        self.webhook: dict[str, Any] | None = None
        self._failures: dict[str, int] = {}
        self._updates: list[dict[str, Any]] = []  # not yet confirmed by getUpdates' offset
        self._update_ids = itertools.count(int(time.time()) % 100_000 * 1000)
        self._message_ids = itertools.count(1)
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._new_update: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._sender: asyncio.Task[None] | None = None

    # --- lifecycle --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeTelegram:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._sender is not None:
            self._loop.call_soon_threadsafe(self._sender.cancel)
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _serve(self) -> None:
        self._new_update = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self._sender = self._loop.create_task(self._webhook_sender())

    # --- the debtor's side (called from tests, any thread) ------------------------------------

    def user_sends(self, chat_id: int, text: str, language: str = "fr") -> int:
        message = self._message(chat_id, language, text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.push({"message": message})

    def user_edits(self, chat_id: int, text: str, language: str = "fr") -> int:
        message = self._message(chat_id, language, text=text)
        message["edit_date"] = int(time.time())
        return self.push({"edited_message": message})

    def user_sends_photo(self, chat_id: int, language: str = "fr") -> int:
        photo = [{"file_id": "ph1", "file_unique_id": "ph1u", "width": 90, "height": 90}]
        return self.push({"message": self._message(chat_id, language, photo=photo)})

    def user_sends_sticker(self, chat_id: int, language: str = "fr") -> int:
        sticker = {
            "file_id": "st1",
            "file_unique_id": "st1u",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self.push({"message": self._message(chat_id, language, sticker=sticker)})

    def user_sends_voice(self, chat_id: int, language: str = "fr") -> int:
        voice = {"file_id": "vo1", "file_unique_id": "vo1u", "duration": 3}
        return self.push({"message": self._message(chat_id, language, voice=voice)})

    def user_sends_document(
        self, chat_id: int, filename: str, content: bytes, language: str = "fr"
    ) -> int:
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "file_name": filename,
            "mime_type": "application/pdf",
            "file_size": len(content),
        }
        return self.push({"message": self._message(chat_id, language, document=document)})

    def user_clicks(self, chat_id: int, sent: Sent, title: str, language: str = "fr") -> int:
        data = dict(sent.buttons)[title]
        query = {
            "id": f"cb{next(self._message_ids)}",
            "from": self._user(chat_id, language),
            "chat_instance": str(chat_id),
            "data": data,
            "message": {
                "message_id": sent.message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": sent.text,
            },
        }
        return self.push({"callback_query": query})

    def push(self, body: dict[str, Any], update_id: int | None = None) -> int:
        """Deliver an update (a repeated ``update_id`` re-delivers the same update)."""
        update = {"update_id": update_id if update_id is not None else next(self._update_ids)}
        update.update(body)
        self._loop.call_soon_threadsafe(self._queue, update)
        return int(update["update_id"])

    def fail_next(self, method: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 Too Many Requests."""
        self._failures[method] = times

    # --- what the bot did ---------------------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[Sent]:
        with self._changed:
            return [s for s in self.sent if s.chat_id == chat_id]

    def wait_for(
        self,
        chat_id: int,
        after: int,
        until: Callable[[list[Sent]], bool] | None = None,
        timeout: float = 40,
        quiet: float = 1.2,
    ) -> list[Sent]:
        """Messages to ``chat_id`` after the first ``after``: wait for one (or ``until``),
        then until the bot has been quiet for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                new = [s for s in self.sent if s.chat_id == chat_id][after:]
                if new and (until is None or until(new)):
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no expected reply in chat {chat_id}; got {new!r}")
                self._changed.wait(left)
            count = len(self.sent)
            while self._changed.wait(quiet) and len(self.sent) != count:
                count = len(self.sent)
            return [s for s in self.sent if s.chat_id == chat_id][after:]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        with self._changed:
            return [params for name, params in self.calls if name == method]

    # --- server -------------------------------------------------------------------------------

    def _queue(self, update: dict[str, Any]) -> None:
        self._updates.append(update)
        assert self._new_update is not None
        self._new_update.set()

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        with self._changed:
            self.calls.append((method, params))
            self._changed.notify_all()
        if self._failures.get(method):
            self._failures[method] -= 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return web.json_response({"ok": True, "result": True})
        result = await handler(params)
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            loaded = await request.json()
            return dict(loaded) if isinstance(loaded, dict) else {}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = value if isinstance(value, str) else ""
            if key in ("text", "caption", "url", "secret_token", "callback_query_id", "file_id"):
                params[key] = text
            else:
                try:
                    params[key] = json.loads(text)
                except ValueError:
                    params[key] = text
        return params

    async def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        if isinstance(offset, int):
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if self.webhook is not None:
            return []
        if not self._updates:
            assert self._new_update is not None
            self._new_update.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), float(params.get("timeout") or 0))
        return list(self._updates)

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        markup = params.get("reply_markup") or {}
        buttons = [
            (str(b["text"]), str(b.get("callback_data", "")))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]
        sent = Sent(int(params["chat_id"]), next(self._message_ids), str(params["text"]), buttons)
        with self._changed:
            self.sent.append(sent)
            self._changed.notify_all()
        return {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private"},
            "from": BOT_USER,
            "text": sent.text,
        }

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> bool:
        return True

    async def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        return {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "file_size": len(self.files.get(file_id, b"")),
            "file_path": f"documents/{file_id}",
        }

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])

    async def _webhook_sender(self) -> None:
        """Post queued updates to the webhook, oldest first, until each is answered 200."""
        async with aiohttp.ClientSession() as http:
            while True:
                if self.webhook is None or not self._updates:
                    await asyncio.sleep(0.05)
                    continue
                update = self._updates[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook.get("secret_token", "")}
                try:
                    async with http.post(self.webhook["url"], json=update, headers=headers) as r:
                        delivered = r.status == 200
                except aiohttp.ClientError:
                    delivered = False
                if delivered:
                    self._updates.pop(0)
                else:
                    await asyncio.sleep(0.5)  # Telegram retries later

    def _message(self, chat_id: int, language: str, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Debtor"},
            "from": self._user(chat_id, language),
        }
        message.update(content)
        return message

    @staticmethod
    def _user(chat_id: int, language: str) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": "Debtor", "language_code": language}
