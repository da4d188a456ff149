"""Planning follow-ups from a debt's facts, and their wording, with a controlled clock."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.domain import compliance
from bot.domain.compliance import PRESETS, DebtorState, Outbound
from bot.domain.reminders import (
    AFTER_DUE,
    BEFORE_DUE,
    BODY,
    DUE_DAY,
    INSTALMENT,
    INSTALMENT_CHECK,
    PROMISE_CHECK,
    DebtFacts,
    InstalmentFacts,
    LadderPolicy,
    PromiseFacts,
    compose,
    local_instant,
    plan_reminders,
)

POLICY = LadderPolicy(offsets=(-3, 0, 7, 21), hour=10, instalment_days_before=3, grace_days=3)
NOW = datetime(2026, 3, 1, 8, tzinfo=timezone.utc)


def debt(**kw: object) -> DebtFacts:
    values: dict[str, object] = {"debt_id": 7, "due_on": date(2026, 3, 20), "collectable": True}
    values.update(kw)
    return DebtFacts(**values)  # type: ignore[arg-type]


def test_the_ladder_lands_at_the_creditors_hour_in_the_debtors_zone() -> None:
    planned = plan_reminders(debt(), POLICY, "Europe/Paris", NOW)
    assert [(p.key, p.kind) for p in planned] == [
        ("debt:7:-3", BEFORE_DUE),
        ("debt:7:+0", DUE_DAY),
        ("debt:7:+7", AFTER_DUE),
        ("debt:7:+21", AFTER_DUE),
    ]
    paris = ZoneInfo("Europe/Paris")
    assert [p.at.astimezone(paris).hour for p in planned] == [10, 10, 10, 10]
    # 27 March is after the spring DST change in Europe: 10:00 local is 08:00 UTC, not 09:00
    assert planned[2].at == datetime(2026, 3, 27, 9, tzinfo=timezone.utc)
    assert planned[1].at == datetime(2026, 3, 20, 9, tzinfo=timezone.utc)
    assert planned[3].at == datetime(2026, 4, 10, 8, tzinfo=timezone.utc)


def test_planning_twice_gives_the_same_keys() -> None:
    first = plan_reminders(debt(), POLICY, "America/New_York", NOW)
    assert first == plan_reminders(debt(), POLICY, "America/New_York", NOW)


@pytest.mark.parametrize("zone", ["Europe/Paris", "Not/AZone"])
def test_nothing_is_planned_for_a_paid_paused_or_disputed_debt(zone: str) -> None:
    assert plan_reminders(debt(collectable=False), POLICY, zone, NOW) == []


def test_a_debt_first_seen_late_gets_one_catch_up_not_the_whole_ladder() -> None:
    late = datetime(2026, 4, 2, 12, tzinfo=timezone.utc)  # after +7, before +21
    planned = plan_reminders(debt(), POLICY, "Europe/Paris", late)
    assert [p.key for p in planned] == ["debt:7:+7", "debt:7:+21"]
    assert planned[0].at == late


def test_a_plan_in_good_standing_gets_only_its_instalment_reminders() -> None:
    instalments = (
        InstalmentFacts(1, date(2026, 3, 15), Decimal("100"), Decimal("100")),  # paid
        InstalmentFacts(2, date(2026, 4, 15), Decimal("100"), Decimal("0")),
    )
    planned = plan_reminders(debt(instalments=instalments), POLICY, "Europe/Paris", NOW)
    assert [(p.key, p.kind) for p in planned] == [
        ("instalment:2:before", INSTALMENT),
        ("instalment:2:check", INSTALMENT_CHECK),
    ]
    assert planned[0].at.date() == date(2026, 4, 12)
    assert planned[1].at.date() == date(2026, 4, 18)  # due date + grace


def test_an_open_promise_silences_the_ladder_until_its_date_plus_grace() -> None:
    promise = PromiseFacts(3, date(2026, 3, 25))
    planned = plan_reminders(debt(open_promises=(promise,)), POLICY, "Europe/Paris", NOW)
    keys = [p.key for p in planned]
    assert "promise:3:check" in keys
    assert "debt:7:-3" not in keys and "debt:7:+0" not in keys and "debt:7:+7" not in keys
    assert "debt:7:+21" in keys  # after 28 March
    check = next(p for p in planned if p.kind == PROMISE_CHECK)
    assert check.at.date() == date(2026, 3, 28)


def test_local_instant_falls_back_to_utc_for_an_unknown_zone() -> None:
    assert local_instant(date(2026, 1, 5), 10, "Nowhere/City") == datetime(
        2026, 1, 5, 10, tzinfo=timezone.utc
    )


@pytest.mark.parametrize("kind", list(BODY))
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_reminder_passes_the_content_rules_of_every_preset(
    kind: str, language: str, preset: str
) -> None:
    composed = compose(
        kind,
        language,  # type: ignore[arg-type]
        creditor="Lumen Énergie",
        human_contact="01 23 45 67 89",
        greeting_name="Mme Durand",
        channel="email",
        with_us_validation=preset.startswith("US"),
        promised_on="25/03/2026",
        reply_link="https://pay.example/?t=abc",
        unsubscribe_link="https://pay.example/unsubscribe?t=xyz",
    )
    message = Outbound("initiated", "email", composed.text, composed.lines)
    state = DebtorState(time_zones=("Europe/Paris",))
    assert compliance.check_content(PRESETS[preset], state, message) is None
    assert "?" in composed.text  # an open question, not a demand
    assert "€" not in composed.text and "EUR" not in composed.text  # no amount (G-03)
    assert ("HUMAIN" if language == "fr" else "HUMAN") in composed.text
    assert "unsubscribe?t=xyz" in composed.text


def test_a_us_reminder_without_the_validation_line_is_refused() -> None:
    composed = compose(
        AFTER_DUE,
        "en",
        creditor="Lumen",
        human_contact="",
        greeting_name="",
        channel="telegram",
        with_us_validation=False,
    )
    message = Outbound("initiated", "telegram", composed.text, composed.lines)
    decision = compliance.check_content(
        PRESETS["US-consumer"], DebtorState(time_zones=("America/New_York",)), message
    )
    assert decision is not None and decision.rule == "G-01"
    assert "reply STOP" in composed.text


def test_a_late_reminder_is_still_called_for_a_settled_plan_instalment_is_not() -> None:
    from bot.domain.reminders import called_for

    late = datetime(2026, 5, 1, tzinfo=timezone.utc)
    assert "debt:7:+0" in called_for(debt(), POLICY, "Europe/Paris")
    assert "debt:7:+0" not in {p.key for p in plan_reminders(debt(), POLICY, "Europe/Paris", late)}
    settled = InstalmentFacts(1, date(2026, 3, 15), Decimal("100"), Decimal("100"))
    keys = called_for(debt(instalments=(settled,)), POLICY, "Europe/Paris")
    assert keys == set()
