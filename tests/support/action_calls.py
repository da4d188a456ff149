"""Build rasa-sdk action calls (tracker JSON) for tests."""

from __future__ import annotations

from typing import Any


def tracker(
    sender: str,
    *,
    text: str = "",
    intent: str = "",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    language: str | None = None,
    events: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.93},
        "entities": entities or [],
        "metadata": {"language": language} if language else {},
        "intent_ranking": [{"name": intent, "confidence": 0.93}],
    }
    user_event = {"event": "user", "text": text, "parse_data": latest, "metadata": {}}
    return {
        "sender_id": sender,
        "slots": slots or {},
        "latest_message": latest,
        "events": [*(events or []), user_event],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }


def domain() -> dict[str, Any]:
    """The parts of domain.yml that form validation reads."""
    import yaml

    from bot.settings import PROJECT_ROOT

    data: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    return {"forms": data["forms"], "slots": data["slots"]}


def call(name: str, tracker_json: dict[str, Any]) -> dict[str, Any]:
    return {
        "next_action": name,
        "sender_id": tracker_json["sender_id"],
        "tracker": tracker_json,
        "domain": domain(),
        "version": "3.6.2",
    }
