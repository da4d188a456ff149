"""Lever switchboard (method.md section 5; compliance G-05, G-06, G-08, G-14).

One pure function decides which 004 levers the *bot* may use for a debtor's situation, so no
template or dialogue step has to re-derive the table. Protective flags only ever switch levers
off; where several flags are set, the most protective answer wins.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

__all__ = [
    "ALL_LEVERS",
    "CONFIG_GATED_LEVERS",
    "PERSUASION_LEVERS",
    "Lever",
    "allowed_levers",
    "persuasion_allowed",
]


class Lever(str, Enum):
    """Levers the bot can pull; personalisation and authority are house style, not levers."""

    RECIPROCITY_DISCOUNT = "reciprocity_discount"
    SOCIAL_PROOF = "social_proof"
    COMMITMENT_RECALL = "commitment_recall"
    CONSEQUENCES_REMINDER = "consequences_reminder"
    REAL_DEADLINE = "real_deadline"
    INSTALMENT_PLAN = "instalment_plan"
    REDUCED_SETTLEMENT = "reduced_settlement"


ALL_LEVERS: Final = frozenset(Lever)

#: Usable only when the creditor set them up: the bot must never invent a discount, a statistic,
#: a consequence or a reduction (method.md section 2; cards 004-2a, 004-2c, 004-3b, 004-4).
CONFIG_GATED_LEVERS: Final = frozenset(
    {
        Lever.RECIPROCITY_DISCOUNT,
        Lever.SOCIAL_PROOF,
        Lever.CONSEQUENCES_REMINDER,
        Lever.REDUCED_SETTLEMENT,
    }
)

#: Levers that push towards payment (rather than offer a way to pay); G-05/G-06 switch them off.
PERSUASION_LEVERS: Final = frozenset(
    {
        Lever.RECIPROCITY_DISCOUNT,
        Lever.SOCIAL_PROOF,
        Lever.COMMITMENT_RECALL,
        Lever.CONSEQUENCES_REMINDER,
        Lever.REAL_DEADLINE,
    }
)

# Levers each situation switches off, read straight from the section 5 table.
_OFF_FOR_HARDSHIP: Final = frozenset(
    {
        Lever.SOCIAL_PROOF,
        # "off unless asked": answering "what happens next?" is a reply, not a lever to pull.
        Lever.CONSEQUENCES_REMINDER,
    }
)
_OFF_FOR_DISPUTE: Final = PERSUASION_LEVERS | {Lever.REDUCED_SETTLEMENT}
# Plans and settlements for a vulnerable debtor are "via person" / "person only": off for the bot.
_OFF_FOR_VULNERABLE: Final = ALL_LEVERS
_OFF_FOR_ADMIN_OR_PAID: Final = ALL_LEVERS


def allowed_levers(
    configured: frozenset[Lever],
    *,
    hardship: bool,
    dispute_open: bool,
    vulnerable: bool,
    admin_or_paid_pending: bool,
) -> frozenset[Lever]:
    """Levers the bot may use now, per the section 5 switchboard.

    ``configured`` holds the creditor-enabled levers; it only matters for the config-gated ones
    (the others are on by default). With a dispute open the instalment plan stays available, but
    the caller must limit it to the undisputed part (G-05). Flags are keyword-only and required
    so a caller cannot silently forget a protective one.
    """
    allowed = {lever for lever in Lever if lever not in CONFIG_GATED_LEVERS or lever in configured}
    if hardship:
        allowed -= _OFF_FOR_HARDSHIP
    if dispute_open:
        allowed -= _OFF_FOR_DISPUTE
    if vulnerable:
        allowed -= _OFF_FOR_VULNERABLE
    if admin_or_paid_pending:
        allowed -= _OFF_FOR_ADMIN_OR_PAID
    return frozenset(allowed)


def persuasion_allowed(
    configured: frozenset[Lever] | None = None,
    *,
    hardship: bool,
    dispute_open: bool,
    vulnerable: bool,
    admin_or_paid_pending: bool,
) -> bool:
    """True when at least one persuasion lever is open, e.g. to decide whether to mention any.

    Without ``configured`` it answers for the situation alone, as if the creditor enabled all.
    """
    levers = allowed_levers(
        ALL_LEVERS if configured is None else configured,
        hardship=hardship,
        dispute_open=dispute_open,
        vulnerable=vulnerable,
        admin_or_paid_pending=admin_or_paid_pending,
    )
    return bool(levers & PERSUASION_LEVERS)
