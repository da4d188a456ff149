"""Replies as Telegram shows them: split at the length limit, buttons as inline keyboards."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram.channel import inline_keyboard, split_text
from bot.gateway.pipeline import Outgoing


def test_a_short_reply_is_one_message() -> None:
    assert split_text("Bonjour") == ["Bonjour"]


def test_a_long_reply_is_cut_between_paragraphs_first() -> None:
    first, second = "a" * 3000, "b" * 3000
    assert split_text(f"{first}\n\n{second}") == [first, second]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12000))
def test_no_chunk_exceeds_the_limit_and_no_word_is_lost(text: str) -> None:
    chunks = split_text(text, limit=500)
    assert all(len(chunk) <= 500 for chunk in chunks)
    assert "".join(chunks).split() == text.split()


def test_buttons_become_an_inline_keyboard_naming_the_stored_button() -> None:
    payload = '/inform{"amount": "150.00", "currency": "EUR", "months": 6, "note": "long"}'
    message = Outgoing(41, "c1", "D'accord ?", (("Oui", "/affirm"), ("Autre", payload)), "bot")
    keyboard = inline_keyboard(message)
    assert keyboard is not None
    data = [row[0].callback_data for row in keyboard.inline_keyboard]
    assert data == ["b:41:0", "b:41:1"]  # short, whatever the payload (Telegram caps at 64 bytes)
    assert inline_keyboard(Outgoing(42, "c1", "Merci", (), "bot")) is None
