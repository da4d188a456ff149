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
    def __init__(
        self,
        base_url: str,
        timeout: float,
        client: httpx.AsyncClient | None = None,
        api_token: str | None = None,
    ):
        self._base = base_url
        self._url = f"{base_url}/webhooks/rest/webhook"
        self._token = api_token
        self._client = client or httpx.AsyncClient(timeout=timeout)

    async def resume(self, conversation_id: str, outcome: str) -> None:
        """Un-pause the bot after a person handed the conversation back, with the outcome the
        person recorded in slot ``handback_outcome``."""
        await self._append_events(
            conversation_id,
            [
                {"event": "resume"},
                {"event": "slot", "name": "handback_outcome", "value": outcome},
                # The paused turn never reached action_listen: without it the policies see a
                # user message right after action_escalate and may loop on their predictions.
                {"event": "action", "name": "action_listen"},
            ],
        )

    async def pause(self, conversation_id: str) -> None:
        """Pause the bot when a person takes a conversation it was still holding."""
        await self._append_events(conversation_id, [{"event": "pause"}])

    async def _append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Rasa's HTTP API (``rasa run --enable-api``). Raises RasaUnavailable when Rasa cannot
        take them: the caller then leaves the conversation as it was."""
        params = {"token": self._token} if self._token else {}
        try:
            response = await self._client.post(
                f"{self._base}/conversations/{conversation_id}/tracker/events",
                params=params,
                json=events,
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code} on tracker events")

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
