"""HUMAIN / STOP keywords work in any state, whatever the model thinks (compliance G-02, G-04)."""

from __future__ import annotations

import unicodedata

HUMAN_KEYWORDS = frozenset({"HUMAIN", "HUMAN", "AGENT", "CONSEILLER", "CONSEILLERE"})
STOP_KEYWORDS = frozenset({"STOP", "ARRET", "UNSUBSCRIBE", "STOPP"})


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in plain).split()


def keyword_intent(text: str) -> str | None:
    """'request_human' or 'stop_contact' when the message is, or shouts, a keyword.

    A message made only of the keyword counts in any case ("humain", "Stop."); inside a
    longer sentence only the upper-case form counts ("je veux un HUMAIN"), so that
    "stop sending me the wrong invoice" is left to the model.
    """
    words = _words(text)
    if not words:
        return None
    upper = [w.upper() for w in words]
    if len(words) <= 2 and set(upper) & HUMAN_KEYWORDS:
        return "request_human"
    if len(words) <= 2 and set(upper) & STOP_KEYWORDS:
        return "stop_contact"
    shouted = {w for w in words if w.isupper() and len(w) > 1}
    if shouted & HUMAN_KEYWORDS:
        return "request_human"
    if shouted & STOP_KEYWORDS:
        return "stop_contact"
    return None
