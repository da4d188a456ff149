"""The compliance guard: one decision before every message we send by ourselves.

Plain typed functions over plain values (no database, no clock of its own): the caller
gathers the debtor's state, the contact history and the message, passes ``now``, and gets
``allow`` / ``defer(until)`` / ``deny`` with the rule id of ``shared/domain/compliance.md``
that decided. It fails closed: an unknown preset, a missing time zone, or any doubt → deny.

Order of the checks: pauses (nothing may be sent) → content (this text may never be sent) →
time (hours, days, public holidays in every candidate time zone) → caps and cool-down. Replies
inside a conversation the debtor opened skip time and caps, never pauses or content.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

Kind = Literal["initiated", "reply", "transactional"]


class Verdict(str, Enum):
    ALLOW = "allow"
    DEFER = "defer"
    DENY = "deny"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    rule: str  # e.g. "G-04", "FR-B2C/hours"; "ok" when allowed
    reason: str
    until: datetime | None = None  # for DEFER: the first instant the message may go

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.ALLOW


def allow() -> Decision:
    return Decision(Verdict.ALLOW, "ok", "every rule passed")


def deny(rule: str, reason: str) -> Decision:
    return Decision(Verdict.DENY, rule, reason)


def defer(rule: str, reason: str, until: datetime) -> Decision:
    return Decision(Verdict.DEFER, rule, reason, until)


# --- presets ------------------------------------------------------------------------------------

Window = tuple[time, time]


@dataclass(frozen=True)
class Preset:
    """One jurisdiction's rules (compliance.md §6). Creditors may only make them stricter."""

    name: str
    holiday_country: str  # the `holidays` package's country code
    weekday_window: Window  # Monday to Friday, debtor local time, end exclusive
    saturday_window: Window | None  # None: no contact on Saturdays
    cap_day: int
    cap_week: int  # rolling 7 days
    cap_month: int  # rolling 30 days
    cooldown_days: int  # after a two-way exchange, before the next initiated contact
    mandatory: tuple[str, ...]  # line kinds every initiated message carries
    fees_allowed: frozenset[str] = frozenset()

    def stricter(self, **changes: object) -> Preset:
        """A creditor's override: refused unless every change narrows the preset."""
        candidate = replace(self, **changes)  # type: ignore[arg-type]
        problems = []
        if not _inside(candidate.weekday_window, self.weekday_window):
            problems.append("weekday hours")
        if candidate.saturday_window is not None and (
            self.saturday_window is None
            or not _inside(candidate.saturday_window, self.saturday_window)
        ):
            problems.append("Saturday hours")
        for cap in ("cap_day", "cap_week", "cap_month"):
            if getattr(candidate, cap) > getattr(self, cap):
                problems.append(cap)
        if candidate.cooldown_days < self.cooldown_days:
            problems.append("cool-down")
        if not set(self.mandatory) <= set(candidate.mandatory):
            problems.append("mandatory lines")
        if not candidate.fees_allowed <= self.fees_allowed:
            problems.append("fees")
        if problems:
            raise ValueError(f"an override may only be stricter than {self.name}: {problems}")
        return candidate


def _inside(inner: Window, outer: Window) -> bool:
    return outer[0] <= inner[0] < inner[1] <= outer[1]


BASE_LINES = ("bot_disclosure", "creditor_identity", "human_contact", "opt_out")

PRESETS: dict[str, Preset] = {
    "FR-B2C": Preset(
        "FR-B2C", "FR", (time(8), time(20)), (time(9), time(18)), 1, 2, 4, 3, BASE_LINES
    ),
    "FR-B2B": Preset(
        "FR-B2B",
        "FR",
        (time(8), time(19)),
        None,
        1,
        3,
        8,
        3,
        BASE_LINES,
        frozenset({"fr_b2b_indemnity", "fr_b2b_late_penalty"}),
    ),
    "US-consumer": Preset(
        "US-consumer",
        "US",
        (time(8), time(20)),
        (time(9), time(18)),
        1,
        2,
        6,
        7,
        (*BASE_LINES, "us_validation"),
    ),
    "UK-consumer": Preset(
        "UK-consumer", "GB", (time(8), time(20)), (time(9), time(18)), 1, 2, 6, 3, BASE_LINES
    ),
}


def preset_with(name: str, overrides: dict[str, object]) -> Preset | None:
    """A creditor's preset with its stored overrides (JSON: windows as ["HH:MM", "HH:MM"]);
    None without overrides. Raises ValueError for an unknown field or anything looser."""
    if not overrides:
        return None
    base = PRESETS.get(name)
    if base is None:
        raise ValueError(f"unknown preset {name!r}")
    changes: dict[str, object] = {}
    for key, value in overrides.items():
        if key in ("weekday_window", "saturday_window"):
            changes[key] = None if value is None else _window(value)
        elif key in ("cap_day", "cap_week", "cap_month", "cooldown_days"):
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{key} must be a whole number")
            changes[key] = value
        elif key == "mandatory":
            changes[key] = tuple(str(v) for v in value)  # type: ignore[attr-defined]
        elif key == "fees_allowed":
            changes[key] = frozenset(str(v) for v in value)  # type: ignore[attr-defined]
        else:
            raise ValueError(f"{key!r} cannot be overridden")
    return base.stricter(**changes)


def _window(value: object) -> Window:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValueError('a window is ["HH:MM", "HH:MM"]')
    start, end = (time.fromisoformat(str(v)) for v in value)
    return (start, end)


# --- what the guard is told ----------------------------------------------------------------------


@dataclass(frozen=True)
class DebtorState:
    """Flags from the database (compliance.md common set); ``time_zones`` are candidates."""

    time_zones: tuple[str, ...]
    holiday_subdivision: str | None = None  # e.g. "57" (Moselle), "SCT", "CA"
    is_business: bool = False
    opted_out_channels: frozenset[str] | None = None  # None: no opt-out; "*" in it: all
    disputed: bool = False
    vulnerable: bool = False
    wrong_person: bool = False
    payment_claimed: bool = False
    with_a_person: bool = False  # open escalation: the bot initiates nothing
    identity_locked: bool = False
    moratorium: bool = False  # over-indebtedness file, insolvency, Breathing Space…


@dataclass(frozen=True)
class Outbound:
    kind: Kind
    channel: str
    text: str
    lines: frozenset[str] = frozenset()  # mandatory-line kinds the template carries
    fees: frozenset[str] = frozenset()  # fee kinds the message claims
    requested_by_debtor: bool = False  # "remind me on the 15th": exempt from the cool-down
    whitelisted_words: frozenset[str] = frozenset()  # approved by a person for this template
    scheduled: bool = False  # started by the scheduler: waits while the debtor is talking to us


@dataclass(frozen=True)
class History:
    """Initiated contacts of this creditor to this debtor, every channel (UTC instants)."""

    initiated: tuple[datetime, ...] = ()
    last_exchange: datetime | None = None  # last time the debtor and we both wrote
    last_debtor_message: datetime | None = None


# Words that threaten, sound official or invent urgency (G-09, FR-07, US 1692e, UK CONC 7.11).
FORBIDDEN_WORDS: tuple[str, ...] = (
    "huissier",
    "commissaire de justice",
    "tribunal",
    "poursuites",
    "saisie",
    "police",
    "gendarmerie",
    "plainte",
    "dernier avis",
    "mise en demeure",
    "injonction",
    "avocat",
    "casier judiciaire",
    "bailiff",
    "court",
    "lawsuit",
    "sue you",
    "legal action",
    "arrest",
    "jail",
    "prison",
    "criminal",
    "final notice",
    "final warning",
    "last chance",
    "dernière chance",
    "seize",
    "garnish",
    "credit score",
    "employer",
    "employeur",
)
REPLY_WINDOW = timedelta(hours=24)
SEARCH_DAYS = 21


def decide(
    preset_name: str,
    debtor: DebtorState,
    message: Outbound,
    history: History,
    now: datetime,
    override: Preset | None = None,
) -> Decision:
    """The guard's one entry point; never raises for bad input, it denies."""
    try:
        return _decide(preset_name, debtor, message, history, now, override)
    except Exception as exc:  # fail closed, and say why
        return deny("G-00", f"the guard could not decide: {type(exc).__name__}: {exc}")


def _decide(
    preset_name: str,
    debtor: DebtorState,
    message: Outbound,
    history: History,
    now: datetime,
    override: Preset | None,
) -> Decision:
    if now.tzinfo is None:
        return deny("G-00", "naive clock: the guard needs an aware UTC instant")
    preset = override or PRESETS.get(preset_name)
    if preset is None:
        return deny("G-00", f"unknown preset {preset_name!r}")
    if override is not None and override.name != preset_name:
        return deny("G-00", "the override belongs to another preset")

    paused = _pauses(debtor, message)
    if paused is not None:
        return paused
    content = check_content(preset, debtor, message)
    if content is not None:
        return content
    if message.kind != "initiated":
        return allow()
    if _is_reply(history, now):
        if message.scheduled and history.last_debtor_message is not None:
            # method.md 000-1: no scheduled reminder fires while a conversation is live.
            return defer(
                "live-conversation",
                "the debtor wrote in the last 24 hours: the reminder waits",
                history.last_debtor_message + REPLY_WINDOW,
            )
        return allow()  # the debtor wrote in the last 24 h: answering is not a new contact

    zones = _zones(debtor.time_zones)
    if zones is None:
        return deny("G-13", "no usable time zone for the debtor")
    slot = next_slot(preset, zones, debtor.holiday_subdivision, now)
    if slot is None:
        return deny(f"{preset.name}/hours", f"no allowed time in the next {SEARCH_DAYS} days")
    capped = _caps(preset, zones[0], message, history, now)
    if capped is not None and capped.until is not None:
        later = next_slot(preset, zones, debtor.holiday_subdivision, capped.until)
        if later is None:
            return deny(capped.rule, capped.reason)
        return defer(capped.rule, capped.reason, later)
    if slot > now:
        return defer(f"{preset.name}/hours", "outside the debtor's allowed hours or days", slot)
    return allow()


# --- pauses --------------------------------------------------------------------------------------


def _pauses(debtor: DebtorState, message: Outbound) -> Decision | None:
    opted = debtor.opted_out_channels
    stopped = opted is not None and ("*" in opted or message.channel in opted)
    if stopped and message.kind != "transactional":  # a receipt they asked for still goes
        return deny("G-04", "the debtor asked us to stop")
    if debtor.wrong_person:
        return deny("G-07", "this contact point is not the debtor")
    if message.kind == "reply":
        return None  # answering the debtor's own question stays possible in the states below
    if debtor.disputed:
        return deny("G-05", "an open dispute pauses collection until a person closes it")
    if debtor.vulnerable:
        return deny("G-06", "vulnerability: automated contact stops until a person reviews")
    if debtor.moratorium:
        return deny("G-10/moratorium", "a legal moratorium or insolvency stops collection")
    if message.kind == "transactional":
        return None
    if debtor.payment_claimed:
        return deny("G-08", "the debtor says they paid: reminders wait for reconciliation")
    if debtor.with_a_person:
        return deny("G-02", "a person holds the conversation")
    if debtor.identity_locked:
        return deny("G-03", "identity lock: nothing is sent until a person clears it")
    return None


# --- content -------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _forbidden_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (word, re.compile(r"(?<![a-z])" + re.escape(_fold(word)) + r"(?![a-z])"))
        for word in FORBIDDEN_WORDS
    )


def forbidden_words(text: str) -> list[str]:
    folded = _fold(text)
    return [word for word, pattern in _forbidden_patterns() if pattern.search(folded)]


def check_content(preset: Preset, debtor: DebtorState, message: Outbound) -> Decision | None:
    """What a message may never say, whatever the time (G-01, G-09, G-10, FR-05, US-04/05)."""
    found = [w for w in forbidden_words(message.text) if w not in message.whitelisted_words]
    if found:
        return deny("G-09", f"threatening or official-sounding words: {', '.join(found)}")
    for fee in sorted(message.fees):
        if fee not in preset.fees_allowed:
            return deny("G-10", f"fee {fee!r} is not allowed under {preset.name}")
        if fee.startswith("fr_b2b") and not debtor.is_business:
            return deny("FR-05", "the 40 EUR indemnity and late penalties are for businesses only")
    if message.kind == "initiated":
        missing = [line for line in preset.mandatory if line not in message.lines]
        if missing:
            return deny("G-01", f"mandatory lines missing: {', '.join(missing)}")
    return None


# --- time ----------------------------------------------------------------------------------------


def _zones(names: Iterable[str]) -> tuple[ZoneInfo, ...] | None:
    zones = []
    for name in names:
        try:
            zones.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            return None  # one unknown candidate: we cannot know the debtor's hour
    return tuple(zones) or None


@lru_cache(maxsize=512)
def _holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    try:
        table = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:  # unknown subdivision: the national list still applies
        table = holidays.country_holidays(country, years=year)
    return frozenset(table.keys())


def window_on(preset: Preset, day: date, subdivision: str | None) -> Window | None:
    if day in _holidays(preset.holiday_country, subdivision, day.year):
        return None
    weekday = day.weekday()
    if weekday < 5:
        return preset.weekday_window
    if weekday == 5:
        return preset.saturday_window
    return None


def allowed_at(preset: Preset, zone: ZoneInfo, subdivision: str | None, instant: datetime) -> bool:
    local = instant.astimezone(zone)
    window = window_on(preset, local.date(), subdivision)
    return window is not None and window[0] <= local.time().replace(tzinfo=None) < window[1]


def next_slot(
    preset: Preset, zones: tuple[ZoneInfo, ...], subdivision: str | None, start: datetime
) -> datetime | None:
    """The first instant ≥ ``start`` allowed in every candidate zone (G-13), or None."""

    def ok(instant: datetime) -> bool:
        return all(allowed_at(preset, zone, subdivision, instant) for zone in zones)

    if ok(start):
        return start
    candidates = []
    for zone in zones:
        first_day = start.astimezone(zone).date()
        for offset in range(SEARCH_DAYS + 1):
            day = first_day + timedelta(days=offset)
            window = window_on(preset, day, subdivision)
            if window is None:
                continue
            # fold=0 at a DST gap lands after it; an opening time never sits in a fold here.
            opening = datetime.combine(day, window[0], tzinfo=zone).astimezone(timezone.utc)
            if opening >= start:
                candidates.append(opening)
    for candidate in sorted(candidates):
        if ok(candidate):
            return candidate
    return None


# --- caps ----------------------------------------------------------------------------------------


def _is_reply(history: History, now: datetime) -> bool:
    last = history.last_debtor_message
    return last is not None and now - last < REPLY_WINDOW


def _caps(
    preset: Preset, zone: ZoneInfo, message: Outbound, history: History, now: datetime
) -> Decision | None:
    """Over a cap or inside the cool-down → defer to when the window frees (caps per debtor,
    every channel together; switching channel never resets them)."""
    past = sorted(t for t in history.initiated if t <= now)
    limits = ((timedelta(days=30), preset.cap_month), (timedelta(days=7), preset.cap_week))
    for span, cap in limits:
        recent = [t for t in past if now - t < span]
        if len(recent) >= cap:
            frees = recent[len(recent) - cap] + span
            return defer(
                f"{preset.name}/cap", f"{cap} contacts per {span.days} days reached", frees
            )
    local_today = now.astimezone(zone).date()
    today = [t for t in past if t.astimezone(zone).date() == local_today]
    if len(today) >= preset.cap_day:  # a calendar day in the debtor's time
        midnight = datetime.combine(local_today + timedelta(days=1), time(0), tzinfo=zone)
        frees = midnight.astimezone(timezone.utc)
        return defer(f"{preset.name}/cap", f"{preset.cap_day} contact(s) per day reached", frees)
    if history.last_exchange is not None and not message.requested_by_debtor:
        ends = history.last_exchange + timedelta(days=preset.cooldown_days)
        if ends > now:
            return defer(f"{preset.name}/cool-down", "too soon after our last exchange", ends)
    return None
