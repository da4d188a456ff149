"""Lever switchboard: the method.md section 5 table, row by row, as data."""

from __future__ import annotations

from itertools import product

import pytest

from bot.domain.levers import (
    ALL_LEVERS,
    PERSUASION_LEVERS,
    Lever,
    allowed_levers,
    persuasion_allowed,
)

L = Lever
NONE: frozenset[Lever] = frozenset()
SITUATIONS = ("default", "hardship", "dispute_open", "vulnerable", "admin_or_paid_pending")


def flags(situation: str) -> dict[str, bool]:
    return {name: name == situation for name in SITUATIONS[1:]}


# Expected bot behaviour per lever and situation when the creditor configured everything.
# "if configured" / "if measured" -> on; "gentle", "undisputed part only" -> on (caller shapes it);
# "off unless asked", "via person", "person only" -> off for the bot.
TABLE: dict[Lever, tuple[bool, bool, bool, bool, bool]] = {
    #                          default hardship dispute vulnerable admin/paid
    L.RECIPROCITY_DISCOUNT: (True, True, False, False, False),
    L.SOCIAL_PROOF: (True, False, False, False, False),
    L.COMMITMENT_RECALL: (True, True, False, False, False),
    L.CONSEQUENCES_REMINDER: (True, False, False, False, False),
    L.REAL_DEADLINE: (True, True, False, False, False),
    L.INSTALMENT_PLAN: (True, True, True, False, False),
    L.REDUCED_SETTLEMENT: (True, True, False, False, False),
}


def test_table_covers_every_lever() -> None:
    assert set(TABLE) == set(Lever)


@pytest.mark.parametrize(("lever", "situation"), list(product(TABLE, SITUATIONS)))
def test_switchboard_with_everything_configured(lever: Lever, situation: str) -> None:
    expected = TABLE[lever][SITUATIONS.index(situation)]
    assert (lever in allowed_levers(ALL_LEVERS, **flags(situation))) is expected


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        ("default", {L.COMMITMENT_RECALL, L.REAL_DEADLINE, L.INSTALMENT_PLAN}),
        ("hardship", {L.COMMITMENT_RECALL, L.REAL_DEADLINE, L.INSTALMENT_PLAN}),
        ("dispute_open", {L.INSTALMENT_PLAN}),
        ("vulnerable", set()),
        ("admin_or_paid_pending", set()),
    ],
)
def test_config_gated_levers_stay_off_when_not_configured(
    situation: str, expected: set[Lever]
) -> None:
    assert allowed_levers(NONE, **flags(situation)) == frozenset(expected)


@pytest.mark.parametrize(
    "lever",
    [L.RECIPROCITY_DISCOUNT, L.SOCIAL_PROOF, L.CONSEQUENCES_REMINDER, L.REDUCED_SETTLEMENT],
)
def test_if_configured_lever_needs_the_creditor(lever: Lever) -> None:
    assert lever in allowed_levers(frozenset({lever}), **flags("default"))
    assert lever not in allowed_levers(ALL_LEVERS - {lever}, **flags("default"))


@pytest.mark.parametrize("combo", list(product([False, True], repeat=4)))
def test_flags_only_ever_switch_levers_off(combo: tuple[bool, bool, bool, bool]) -> None:
    hardship, dispute, vulnerable, admin = combo
    got = allowed_levers(
        ALL_LEVERS,
        hardship=hardship,
        dispute_open=dispute,
        vulnerable=vulnerable,
        admin_or_paid_pending=admin,
    )
    baseline = allowed_levers(ALL_LEVERS, **flags("default"))
    assert got <= baseline
    if vulnerable or admin:
        assert got == frozenset()
    if dispute:
        assert not got & PERSUASION_LEVERS
        assert L.REDUCED_SETTLEMENT not in got


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        ("default", True),
        ("hardship", True),
        ("dispute_open", False),
        ("vulnerable", False),
        ("admin_or_paid_pending", False),
    ],
)
def test_persuasion_allowed_by_situation(situation: str, expected: bool) -> None:
    assert persuasion_allowed(None, **flags(situation)) is expected


def test_persuasion_allowed_respects_configuration() -> None:
    only_plans = frozenset({L.INSTALMENT_PLAN})
    assert persuasion_allowed(ALL_LEVERS, **flags("default")) is True
    # Commitment recall and real deadline need no configuration and survive hardship.
    assert persuasion_allowed(only_plans, **flags("default")) is True
    assert persuasion_allowed(only_plans, **flags("hardship")) is True
    assert persuasion_allowed(only_plans, **flags("dispute_open")) is False


def test_lever_values_are_stable_strings() -> None:
    assert {lever.value for lever in Lever} == {
        "reciprocity_discount",
        "social_proof",
        "commitment_recall",
        "consequences_reminder",
        "real_deadline",
        "instalment_plan",
        "reduced_settlement",
    }
