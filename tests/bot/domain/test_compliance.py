"""The compliance guard with a controlled clock: pauses, content, hours, holidays, DST, caps.

Rule ids are those of shared/domain/compliance.md; every instant is an aware UTC datetime.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.compliance import (
    BASE_LINES,
    PRESETS,
    DebtorState,
    History,
    Outbound,
    Verdict,
    decide,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
ALL_LINES = frozenset((*BASE_LINES, "us_validation"))


def at(zone: ZoneInfo, *args: int) -> datetime:
    """A local wall-clock time, as the aware UTC instant the guard receives."""
    return datetime(*args, tzinfo=zone).astimezone(timezone.utc)


def reminder(text: str = "Bonjour, comment pouvons-nous vous aider ?", **kw: object) -> Outbound:
    values: dict[str, object] = {"kind": "initiated", "channel": "telegram", "text": text}
    values["lines"] = ALL_LINES
    values.update(kw)
    return Outbound(**values)  # type: ignore[arg-type]


def debtor(zone: str = "Europe/Paris", **kw: object) -> DebtorState:
    return DebtorState(time_zones=(zone,), **kw)  # type: ignore[arg-type]


# --- pauses: deny, whatever the time ----------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "rule"),
    [
        ({"opted_out_channels": frozenset({"*"})}, "G-04"),
        ({"opted_out_channels": frozenset({"telegram"})}, "G-04"),
        ({"wrong_person": True}, "G-07"),
        ({"disputed": True}, "G-05"),
        ({"vulnerable": True}, "G-06"),
        ({"payment_claimed": True}, "G-08"),
        ({"with_a_person": True}, "G-02"),
        ({"identity_locked": True}, "G-03"),
        ({"moratorium": True}, "G-10/moratorium"),
    ],
)
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_pause_denies_an_initiated_message_in_every_preset(
    preset: str, state: dict[str, object], rule: str
) -> None:
    decision = decide(preset, debtor(**state), reminder(), History(), at(PARIS, 2026, 3, 10, 11, 0))
    assert (decision.verdict, decision.rule) == (Verdict.DENY, rule)


def test_an_opt_out_on_email_leaves_telegram_open_but_stop_all_does_not() -> None:
    now = at(PARIS, 2026, 3, 10, 11, 0)
    email_only = debtor(opted_out_channels=frozenset({"email"}))
    assert decide("FR-B2C", email_only, reminder(), History(), now).allowed
    assert not decide("FR-B2C", email_only, reminder(channel="email"), History(), now).allowed


def test_a_reply_to_a_disputing_debtor_is_allowed_but_not_after_stop() -> None:
    now = at(PARIS, 2026, 3, 8, 23, 30)  # Sunday night: replies ignore hours
    reply = reminder(kind="reply")
    assert decide("FR-B2C", debtor(disputed=True), reply, History(), now).allowed
    stopped = debtor(opted_out_channels=frozenset({"*"}))
    assert decide("FR-B2C", stopped, reply, History(), now).rule == "G-04"


# --- content ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sans réponse, nous transmettrons à un huissier.",
        "Dernier avis avant poursuites",
        "This is your FINAL NOTICE",
        "We may contact your employer",
        "Le Tribunal sera saisi",
    ],
)
def test_threatening_or_official_words_are_denied(text: str) -> None:
    decision = decide("FR-B2C", debtor(), reminder(text), History(), at(PARIS, 2026, 3, 10, 11))
    assert decision.rule == "G-09" and decision.verdict is Verdict.DENY


def test_a_word_approved_by_a_person_for_a_template_passes() -> None:
    text = "Votre dossier n'a pas été transmis au tribunal."
    message = reminder(text, whitelisted_words=frozenset({"tribunal"}))
    assert decide("FR-B2C", debtor(), message, History(), at(PARIS, 2026, 3, 10, 11)).allowed


def test_the_40_euro_indemnity_only_for_businesses_under_fr_b2b() -> None:
    now = at(PARIS, 2026, 3, 10, 11)
    fee = reminder(fees=frozenset({"fr_b2b_indemnity"}))
    assert decide("FR-B2B", debtor(is_business=True), fee, History(), now).allowed
    assert decide("FR-B2B", debtor(is_business=False), fee, History(), now).rule == "FR-05"
    assert decide("FR-B2C", debtor(), fee, History(), now).rule == "G-10"


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_an_initiated_message_without_its_mandatory_lines_is_denied(preset: str) -> None:
    bare = reminder(lines=frozenset({"bot_disclosure"}))
    decision = decide(preset, debtor(), bare, History(), at(PARIS, 2026, 3, 10, 11))
    assert decision.rule == "G-01"


def test_the_us_validation_line_is_required_only_in_the_us() -> None:
    lines = reminder(lines=frozenset(BASE_LINES))
    now = at(NEW_YORK, 2026, 3, 10, 11)
    assert decide("UK-consumer", debtor("Europe/London"), lines, History(), now).allowed
    us = decide("US-consumer", debtor("America/New_York"), lines, History(), now)
    assert us.rule == "G-01" and "us_validation" in us.reason


# --- time ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "zone", "early", "opening", "closing"),
    [
        ("FR-B2C", "Europe/Paris", (7, 59), (8, 0), (19, 59)),
        ("FR-B2B", "Europe/Paris", (7, 59), (8, 0), (18, 59)),
        ("US-consumer", "America/New_York", (7, 59), (8, 0), (19, 59)),
        ("UK-consumer", "Europe/London", (7, 59), (8, 0), (19, 59)),
    ],
)
def test_boundary_minutes_in_the_debtors_own_time(
    preset: str,
    zone: str,
    early: tuple[int, int],
    opening: tuple[int, int],
    closing: tuple[int, int],
) -> None:
    local = ZoneInfo(zone)
    day = (2026, 3, 10)  # a Tuesday, no holiday anywhere
    state = debtor(zone)
    too_early = decide(preset, state, reminder(), History(), at(local, *day, *early))
    assert too_early.verdict is Verdict.DEFER
    assert too_early.until == at(local, *day, *opening)
    assert decide(preset, state, reminder(), History(), at(local, *day, *opening)).allowed
    assert decide(preset, state, reminder(), History(), at(local, *day, *closing)).allowed
    after = at(local, *day, *closing) + timedelta(minutes=1)
    late = decide(preset, state, reminder(), History(), after)
    assert late.verdict is Verdict.DEFER and late.until == at(local, 2026, 3, 11, *opening)


def test_saturday_window_sunday_and_b2b_weekends() -> None:
    saturday_morning = at(PARIS, 2026, 3, 14, 8, 30)
    consumer = decide("FR-B2C", debtor(), reminder(), History(), saturday_morning)
    assert consumer.until == at(PARIS, 2026, 3, 14, 9, 0)
    business = decide("FR-B2B", debtor(), reminder(), History(), saturday_morning)
    assert business.until == at(PARIS, 2026, 3, 16, 8, 0)  # Monday
    sunday = decide(
        "UK-consumer", debtor("Europe/London"), reminder(), History(), at(LONDON, 2026, 3, 15, 12)
    )
    assert sunday.until == at(LONDON, 2026, 3, 16, 8, 0)


@pytest.mark.parametrize(
    ("preset", "zone", "subdivision", "holiday", "next_open"),
    [
        ("FR-B2C", "Europe/Paris", None, (2026, 7, 14), (2026, 7, 15)),
        ("FR-B2C", "Europe/Paris", "57", (2026, 12, 26), (2026, 12, 28)),  # Moselle: St Stephen
        ("US-consumer", "America/New_York", None, (2026, 7, 3), (2026, 7, 6)),  # July 4 observed
        ("UK-consumer", "Europe/London", "SCT", (2026, 1, 2), (2026, 1, 3)),  # Scotland only
    ],
)
def test_public_holidays_of_the_debtors_country_and_region(
    preset: str,
    zone: str,
    subdivision: str | None,
    holiday: tuple[int, int, int],
    next_open: tuple[int, int, int],
) -> None:
    local = ZoneInfo(zone)
    state = DebtorState(time_zones=(zone,), holiday_subdivision=subdivision)
    decision = decide(preset, state, reminder(), History(), at(local, *holiday, 11))
    assert decision.verdict is Verdict.DEFER
    assert (
        decision.until is not None
        and decision.until.astimezone(local).date() == datetime(*next_open).date()
    )


def test_st_stephen_is_a_working_day_outside_alsace_moselle() -> None:
    assert decide("FR-B2C", debtor(), reminder(), History(), at(PARIS, 2026, 12, 26, 11)).allowed


def test_daylight_saving_days_keep_local_hours() -> None:
    # Paris springs forward on 29 March 2026 (Sunday) and falls back on 25 October 2026.
    spring = decide("FR-B2C", debtor(), reminder(), History(), at(PARIS, 2026, 3, 28, 18, 30))
    assert spring.until == at(PARIS, 2026, 3, 30, 8, 0)
    assert spring.until == datetime(2026, 3, 30, 6, 0, tzinfo=timezone.utc)  # now UTC+2
    autumn = decide("FR-B2C", debtor(), reminder(), History(), at(PARIS, 2026, 10, 24, 18, 30))
    assert autumn.until == datetime(2026, 10, 26, 7, 0, tzinfo=timezone.utc)  # back to UTC+1
    # New York changes on 8 March and 1 November 2026: 08:00 local is 12:00 then 13:00 UTC.
    ny = debtor("America/New_York")
    march = decide("US-consumer", ny, reminder(), History(), at(NEW_YORK, 2026, 3, 9, 7, 0))
    assert march.until == datetime(2026, 3, 9, 12, 0, tzinfo=timezone.utc)


def test_a_debtor_in_another_zone_than_the_server() -> None:
    # 15:00 in Paris is 09:00 in New York: fine for the New York debtor; 02:00 in Paris is
    # 20:00 in New York: too late there although it is the middle of the night in Paris.
    ny = debtor("America/New_York")
    assert decide("US-consumer", ny, reminder(), History(), at(PARIS, 2026, 3, 17, 15)).allowed
    late = decide("US-consumer", ny, reminder(), History(), at(PARIS, 2026, 3, 18, 1, 30))
    assert late.verdict is Verdict.DEFER


def test_two_candidate_zones_allow_only_their_common_hours() -> None:
    both = DebtorState(time_zones=("Europe/Paris", "America/New_York"))
    # 09:00 in Paris is 04:00 in New York: wait until 08:00 New York = 14:00 Paris.
    decision = decide("FR-B2C", both, reminder(), History(), at(PARIS, 2026, 3, 17, 9))
    assert decision.until == at(NEW_YORK, 2026, 3, 17, 8, 0)


@pytest.mark.parametrize("zones", [(), ("Mars/Olympus_Mons",)])
def test_no_usable_time_zone_fails_closed(zones: tuple[str, ...]) -> None:
    state = DebtorState(time_zones=zones)
    decision = decide("FR-B2C", state, reminder(), History(), at(PARIS, 2026, 3, 10, 11))
    assert (decision.verdict, decision.rule) == (Verdict.DENY, "G-13")


def test_unknown_preset_and_naive_clock_fail_closed() -> None:
    now = at(PARIS, 2026, 3, 10, 11)
    assert decide("XX-nowhere", debtor(), reminder(), History(), now).verdict is Verdict.DENY
    naive = datetime(2026, 3, 10, 11)
    assert decide("FR-B2C", debtor(), reminder(), History(), naive).verdict is Verdict.DENY


# --- caps and cool-down -------------------------------------------------------------------------


def test_one_per_day_then_the_next_allowed_morning() -> None:
    now = at(PARIS, 2026, 3, 10, 11)
    history = History(initiated=(at(PARIS, 2026, 3, 10, 9),))
    decision = decide("FR-B2C", debtor(), reminder(), history, now)
    assert decision.verdict is Verdict.DEFER and decision.until == at(PARIS, 2026, 3, 11, 8, 0)


def test_weekly_and_monthly_caps_count_every_channel_together() -> None:
    now = at(PARIS, 2026, 3, 20, 11)
    week = History(initiated=(at(PARIS, 2026, 3, 16, 10), at(PARIS, 2026, 3, 18, 10)))
    weekly = decide("FR-B2C", debtor(), reminder(channel="email"), week, now)
    assert weekly.rule == "FR-B2C/cap" and weekly.until == at(PARIS, 2026, 3, 23, 10, 0)
    month = History(
        initiated=tuple(at(PARIS, 2026, 3, d, 10) for d in (2, 5, 9, 12)),
    )
    monthly = decide("FR-B2C", debtor(), reminder(), month, now)
    # Rolling 30 × 24 h from 2 March 10:00 (UTC+1) ends at 11:00 on 1 April (UTC+2, after DST).
    assert monthly.rule == "FR-B2C/cap" and monthly.until == at(PARIS, 2026, 4, 1, 11, 0)


def test_cool_down_after_an_exchange_except_for_a_reminder_the_debtor_asked_for() -> None:
    now = at(PARIS, 2026, 3, 12, 11)
    history = History(last_exchange=at(PARIS, 2026, 3, 10, 16), last_debtor_message=None)
    cooling = decide("FR-B2C", debtor(), reminder(), history, now)
    assert cooling.rule == "FR-B2C/cool-down"
    assert cooling.until == at(PARIS, 2026, 3, 13, 16, 0)
    asked = reminder(requested_by_debtor=True)
    assert decide("FR-B2C", debtor(), asked, history, now).allowed
    us_history = History(last_exchange=at(NEW_YORK, 2026, 3, 10, 16))
    us = decide(
        "US-consumer",
        debtor("America/New_York"),
        reminder(),
        us_history,
        at(NEW_YORK, 2026, 3, 16, 11),
    )
    assert us.until == at(NEW_YORK, 2026, 3, 17, 16, 0)  # 7 days in the US


def test_answering_within_24_hours_of_the_debtors_message_is_not_a_new_contact() -> None:
    now = at(PARIS, 2026, 3, 15, 22)  # Sunday night
    history = History(
        initiated=(at(PARIS, 2026, 3, 15, 9),), last_debtor_message=at(PARIS, 2026, 3, 15, 21)
    )
    assert decide("FR-B2C", debtor(), reminder(), history, now).allowed


def test_a_scheduled_reminder_waits_while_the_debtor_is_talking_to_us() -> None:
    wrote = at(PARIS, 2026, 3, 10, 11)  # a Tuesday
    history = History(last_debtor_message=wrote, last_exchange=wrote)
    decision = decide(
        "FR-B2C", debtor(), reminder(scheduled=True), history, at(PARIS, 2026, 3, 10, 15)
    )
    assert decision.verdict is Verdict.DEFER
    assert decision.rule == "live-conversation"
    assert decision.until == wrote + timedelta(hours=24)


# --- overrides ----------------------------------------------------------------------------------


def test_a_creditor_may_only_make_a_preset_stricter() -> None:
    base = PRESETS["FR-B2C"]
    stricter = base.stricter(weekday_window=(time(9), time(18)), cap_month=3)
    assert stricter.cap_month == 3
    for looser in (
        {"weekday_window": (time(7), time(20))},
        {"cap_day": 2},
        {"cooldown_days": 1},
        {"fees_allowed": frozenset({"fr_b2b_indemnity"})},
        {"mandatory": ("bot_disclosure",)},
    ):
        with pytest.raises(ValueError, match="only be stricter"):
            base.stricter(**looser)
    now = at(PARIS, 2026, 3, 10, 8, 30)
    decision = decide("FR-B2C", debtor(), reminder(), History(), now, override=stricter)
    assert decision.until == at(PARIS, 2026, 3, 10, 9, 0)


def test_a_creditors_stored_override_is_parsed_and_only_ever_stricter() -> None:
    from bot.domain.compliance import preset_with

    assert preset_with("FR-B2C", {}) is None
    stricter = preset_with(
        "FR-B2C", {"weekday_window": ["09:00", "18:00"], "saturday_window": None}
    )
    assert stricter is not None and stricter.saturday_window is None
    saturday_morning = at(PARIS, 2026, 3, 14, 10)
    decision = decide("FR-B2C", debtor(), reminder(), History(), saturday_morning, stricter)
    assert decision.verdict is Verdict.DEFER  # Saturday allowed by the preset, not by this creditor
    for looser in (
        {"weekday_window": ["07:00", "20:00"]},
        {"cap_day": 3},
        {"colour": "red"},
        {"weekday_window": "9-18"},
    ):
        with pytest.raises(ValueError):
            preset_with("FR-B2C", looser)
