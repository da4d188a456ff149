"""The gateway's only way to Rasa: its REST channel, over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer (down, starting, timing out): the message stays pending."""


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()


class RasaClient:
    def __init__(self, base_url: str, timeout: float, client: httpx.AsyncClient | None = None):
        self._url = f"{base_url}/webhooks/rest/webhook"
        self._client = client or httpx.AsyncClient(timeout=timeout)

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[BotMessage]:
        try:
            response = await self._client.post(
                self._url, json={"sender": sender, "message": text, "metadata": metadata}
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code >= 500 or response.status_code == 404:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        response.raise_for_status()
        return [_bot_message(item) for item in response.json() if isinstance(item, dict)]

    async def aclose(self) -> None:
        await self._client.aclose()


def _bot_message(item: dict[str, Any]) -> BotMessage:
    buttons = tuple(
        (str(b.get("title", "")), str(b.get("payload", "")))
        for b in item.get("buttons") or []
        if isinstance(b, dict)
    )
    return BotMessage(text=str(item.get("text") or ""), buttons=buttons)
