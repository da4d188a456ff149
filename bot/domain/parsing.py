"""Reading amounts, dates and instalment counts out of what debtors write, and writing them back.

Debtors answer in free French or English ("je peux mettre 50 balles par mois à partir du 10",
"I can do £80 on the 10th"), so the bot must pull figures out of whole sentences without
confusing a date, an invoice number or an instalment count with an amount of money.

The heavy lifting is done by maintained libraries: ``text_to_num`` turns number words into digits,
``dateparser`` reads dates, ``price_parser`` reads one amount. What stays here is the glue that
tells those libraries *where* to look, plus a few documented workarounds for their quirks.

Pure functions: no I/O and no clock — ``today`` is always passed in (the only exception is
``find_amounts``/``parse_amount``, which locate date spans to ignore; see ``find_amounts``).

English dates are read day-first ("03/04" is 3 April): our English-speaking debtors are in the UK
and the EU, not in the US.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Final, Literal

from dateparser.date import DateDataParser  # type: ignore[import-untyped, unused-ignore]
from price_parser import Price
from text_to_num import alpha2digit, text2num  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "Money",
    "find_amounts",
    "find_date",
    "format_date",
    "format_money",
    "parse_amount",
    "parse_date",
    "parse_months",
]

_Lang = Literal["fr", "en"]
_CENT: Final = Decimal("0.01")


@dataclass(frozen=True)
class Money:
    """An amount heard from a debtor; ``currency`` is an ISO code, or None when not stated."""

    amount: Decimal
    currency: str | None


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _lang(language: str) -> _Lang:
    """'fr'/'fr-FR' -> 'fr', 'en'/'en-GB' -> 'en'; anything else is a caller bug."""
    code = language.lower()[:2]
    if code == "fr":
        return "fr"
    if code == "en":
        return "en"
    raise ValueError(f"unsupported language {language!r}")


def _words(text: str) -> frozenset[str]:
    """A word table written as one string, easier to read and extend than a list literal."""
    return frozenset(text.split())


def _fold(text: str) -> str:
    """Lower-case and accent-free, so tables match 'Échéances' and 'echeances' alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _spell_out_numbers(text: str, lang: _Lang) -> str:
    """'cent cinquante euros' -> '150 euros'. Lengths change, so every later offset uses this text.

    text2num leaves isolated "un"/"deux"/"one"/"two" alone on purpose ("un virement" is not
    an amount); the few places that need them call ``_word_number``.
    """
    text = _THOUSANDS.sub(_times_thousand, text)
    try:
        return str(alpha2digit(text, lang))
    except Exception:  # the Rust extension can raise on odd input; the text as typed still reads
        return text


# text2num reads "deux mille" but turns "2 mille" into "2 1000": multiply those ourselves.
_THOUSANDS: Final = re.compile(
    r"(?<![\d.,])(\d+(?:[.,]\d{1,2})?)\s*(?:mille|thousand)\b", re.IGNORECASE
)


def _times_thousand(match: re.Match[str]) -> str:
    value = Decimal(match.group(1).replace(",", ".")) * 1000
    return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value)


def _word_number(token: str, lang: _Lang) -> int | None:
    """'6' -> 6, 'deux' -> 2, 'two' -> 2; None when the token is not a number."""
    if token.isdigit():
        return int(token)
    try:
        return int(text2num(token, lang))
    except ValueError:
        return None


_MASK: Final = "\ue000"  # private-use character: a masked span that no window may cross


def _mask(text: str, spans: list[tuple[int, int]], fill: str) -> str:
    """Replace spans by ``fill`` characters, keeping every other offset valid."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = fill * (end - start)
    return "".join(chars)


# Tokens mixing letters, digits and dashes are references ("F-2024-113", "INV-113"), never money
# nor dates. Found with str.split, not a pattern, so "150€" and "10th" are left to the readers.
def _reference_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"\S+", text):
        token = match.group().strip(".,;:!?()[]«»\"'")
        has_digit = any(c.isdigit() for c in token)
        has_letter = any(c.isalpha() for c in token)
        if has_digit and has_letter and any(c in "-_/#" for c in token):
            spans.append(match.span())
    return spans


# --------------------------------------------------------------------------------------------
# Amounts
# --------------------------------------------------------------------------------------------

# What follows or precedes a number to say which money it is. price_parser knows the symbols and
# codes; the spoken words ("balles", "quid", "pounds") are ours.
_CURRENCY_BY_MARK: Final[dict[str, str]] = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "balle": "EUR",
    "balles": "EUR",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "livre": "GBP",
    "livres": "GBP",
    "livres sterling": "GBP",
    "sterling": "GBP",
}
_CURRENCY_WORDS: Final = (
    r"euros?|eur|balles?|dollars?|usd|bucks|pounds?|quid|livres?(?:\s+sterling)?|sterling|gbp"
)

# Candidate amounts in a sentence. price_parser reads *one* price out of a short string and
# cannot split a sentence, so this pattern only says where numbers are; price_parser then reads
# each one (separators, decimals) and its currency mark.
_CANDIDATE: Final = re.compile(
    rf"""
    (?<![\w/.,°#-])                                   # not inside a reference, date or number
    (?P<pre>(?:US\$|[$€£]|(?:EUR|USD|GBP)\s)\s?)?     # "$200", "€1,480", "EUR 200"
    (?P<num>
        \d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+(?:,\d{{1,2}})?  # "1 480", "1 480,00" (French groups)
      | \d+(?:[.,]\d+)*                               # "1.480,00", "1,480.00", "12,50", "150"
    )
    (?:
        (?P<post>\s?(?:[$€£]|(?:{_CURRENCY_WORDS})\b))  # "150 €", "150€", "150 balles"
      | (?![\w/%°-]|[.,]\d)                 # or a bare number, not "10th", "15/03", "50%"
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A number followed by one of these counts something other than money ("3 fois", "6 mois").
_NOT_MONEY_AFTER: Final = _words(
    """
    fois mois mensualite mensualites echeance echeances versement versements paiement paiements
    prelevement prelevements semaine semaines jour jours an ans annee annees heure heures h min
    minute minutes enfant enfants facture factures personne personnes
    time times month months instalment instalments installment installments payment payments
    week weeks day days year years hour hours kid kids child children invoice invoices people
    pourcent percent
    """
)
# ...and a number preceded by one of these is a reference ("facture 113", "n° 42").
_NOT_MONEY_BEFORE: Final = _words(
    "n no numero num number facture invoice ref reference dossier client commande order tel "
    "telephone phone page"
)


def _money_candidates(text: str) -> list[tuple[int, int, Money]]:
    """(start, end, money) for every amount-looking number in ``text``, in order."""
    found: list[tuple[int, int, Money]] = []
    for match in _CANDIDATE.finditer(text):
        pre, post = match.group("pre"), match.group("post")
        mark = _fold((pre or post or "").strip())
        mark = " ".join(mark.split())
        currency = _CURRENCY_BY_MARK.get(mark)
        if currency is None:
            after = _fold(text[match.end() :]).split()[:1]
            before = _fold(text[: match.start()]).replace("°", " ").split()[-1:]
            if after and after[0].strip(".,;:!?") in _NOT_MONEY_AFTER:
                continue
            if before and before[0].strip(".,;:!?") in _NOT_MONEY_BEFORE:
                continue
        amount = Price.fromstring(match.group("num")).amount
        if amount is None:
            continue
        cents = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
        found.append((match.start(), match.end(), Money(cents, currency)))
    return found


def find_amounts(text: str, language: str, *, today: date | None = None) -> list[Money]:
    """Every amount of money in a debtor's sentence, in order; dates and references excluded.

    Date spans are found first and blanked out, so "le 15 mars" is not 15 €. Locating them
    needs a reference day; ``today`` defaults to the wall clock because it only decides *where*
    dates are (e.g. that "2025" in "15 mars 2025" is a year), never a value returned.
    """
    lang = _lang(language)
    reference_day = today if today is not None else date.today()
    prepared, dates = _scan(text, lang, reference_day, True)
    spans = [(start, end) for start, end, _ in dates] + _reference_spans(prepared)
    blanked = _mask(prepared, spans, " ")
    return [money for _, _, money in _money_candidates(blanked)]


def parse_amount(
    text: str, language: str, default_currency: str | None = None, *, today: date | None = None
) -> Money | None:
    """The first amount in ``text`` (an entity or a whole message); None when there is none.

    ``default_currency`` (the debt's) fills in when the debtor gave no currency: "80 par mois".
    """
    amounts = find_amounts(text, language, today=today)
    if not amounts:
        return None
    first = amounts[0]
    return Money(first.amount, first.currency or default_currency)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MAX_WINDOW: Final = 6  # longest date expression tried, in words ("à la fin du mois prochain")
_YEARS_AROUND: Final = 5  # a year further than this from today is a number, not a date

# dateparser reads these lone words as dates ("je" is short for jeudi, "may" is May).
_AMBIGUOUS_ALONE: Final = _words(
    "je ma me sa mer lu ve di sam dim mar jeu ven lun a an may march mon sat sun wed second "
    "now maintenant"  # "I can't pay now" is no promise for today
)

# "Fin du mois" and friends: dateparser does not read them, so we do — "fin"/"début" (or
# "end"/"beginning") then a month that dateparser reads, or one of these month words.
_END_WORDS: Final = frozenset({"fin", "end", "late"})
_START_WORDS: Final = frozenset({"debut", "beginning", "start", "early"})
_EDGE_FILLERS: Final = frozenset({"de", "du", "d", "of", "the", "this"})
_THIS_MONTH: Final = frozenset(
    {"mois", "le mois", "ce mois", "ce mois ci", "month", "the month", "this month"}
)
_NEXT_MONTH: Final = frozenset(
    {
        "mois prochain",
        "le mois prochain",
        "next month",
        "the next month",
        "the following month",
        "mois suivant",
        "le mois suivant",
    }
)

# A rate or a count, never a date: "50 a month", "sur 6 mois", "en 3 fois". Masked before dates.
_NOT_A_DATE: Final = re.compile(
    r"\b(?:par|chaque|tous\s+les|a|per|each|every)\s+mois\b"
    r"|\b(?:a|per|each|every)\s+month\b|\bmonthly\b|\bmensuel(?:le)?s?\b"
    r"|\b(?:sur|en|over|within|across)\s+\d+\s+(?:mois|months?)\b"
    r"|\b\d+\s+(?:fois|mensualit[ée]s?|[ée]ch[ée]ances?|versements?|paiements?|pr[ée]l[èe]vements?"
    r"|instal(?:l)?ments?|payments?|times)\b",
    re.IGNORECASE,
)

_Found = tuple[int, int, date]


def _settings(base: date, prefer_future: bool) -> dict[str, object]:
    return {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future" if prefer_future else "past",
        # Day first in both languages: our English debtors are UK/EU ("03/04" is 3 April).
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
        # No Unix timestamps: "1480" in a sentence is money, not 1970 plus 25 minutes.
        "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
    }


@lru_cache(maxsize=32)
def _date_parser(lang: _Lang, base: date, prefer_future: bool) -> DateDataParser:
    """One parser per language and day: restricting languages keeps dateparser fast and sure."""
    return DateDataParser(languages=[lang], settings=_settings(base, prefer_future))


def _date_data(
    text: str, lang: _Lang, base: date, prefer_future: bool
) -> tuple[datetime | None, tuple[str, ...]]:
    data = _date_parser(lang, base, prefer_future).get_date_data(text)
    found: datetime | None = data.date_obj
    parts: tuple[str, ...] = tuple(data.parts)
    return found, parts


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _last_day(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _in_direction(candidate: date, today: date, prefer_future: bool) -> bool:
    """A promise is today or later; a payment already made is today or earlier."""
    return candidate >= today if prefer_future else candidate <= today


def _roll_day(day: int, today: date, prefer_future: bool) -> date | None:
    """'le 15' alone: this month's 15th, else the next (or, for the past, previous) month's.

    dateparser ignores PREFER_DATES_FROM for a lone day and answers this month's, even past.
    """
    step = 1 if prefer_future else -1
    for months in range(0, 13 * step, step):
        year, month = _add_months(today.year, today.month, months)
        if day <= monthrange(year, month)[1]:
            candidate = date(year, month, day)
            if _in_direction(candidate, today, prefer_future):
                return candidate
    return None


def _month_day(month: int, day: int, today: date, prefer_future: bool) -> date | None:
    """'15 mars' without a year: this year's, else the next (or previous) one that has it.

    dateparser rolls to next year when the day *is* today, so "15 mars" on 15 March would be
    a year away; we keep today.
    """
    step = 1 if prefer_future else -1
    for years in range(0, 9 * step, step):  # 29 February may need a few years
        try:
            candidate = date(today.year + years, month, day)
        except ValueError:
            continue
        if _in_direction(candidate, today, prefer_future):
            return candidate
    return None


def _month(
    year: int | None,
    month: int,
    today: date,
    prefer_future: bool,
    edge: Literal["start", "end"] | None,
) -> date:
    """A month named without a day: its first day ("fin": last day), on the preferred side.

    "En avril" is 1 April, the earliest day that keeps the promise ("en mars" during March is
    today); the bot reads the date back to the debtor, who can correct it.
    """

    def pick(in_year: int) -> date:
        if edge == "end":
            return _last_day(in_year, month)
        first = date(in_year, month, 1)
        if edge is None and prefer_future and (in_year, month) == (today.year, today.month):
            return max(first, today)
        return first

    if year is not None:
        return pick(year)
    candidate = pick(today.year)
    if not _in_direction(candidate, today, prefer_future):
        candidate = pick(today.year + (1 if prefer_future else -1))
    return candidate


def _read_edge(words: list[str], lang: _Lang, today: date, prefer_future: bool) -> date | None:
    """'fin du mois', 'début du mois prochain', 'end of March' -> a date; else None."""
    if not words or (words[0] not in _END_WORDS and words[0] not in _START_WORDS):
        return None
    edge: Literal["start", "end"] = "end" if words[0] in _END_WORDS else "start"
    rest = words[1:]
    while rest and rest[0] in _EDGE_FILLERS:
        rest = rest[1:]
    phrase = " ".join(rest)
    if not phrase:
        return None
    if phrase in _THIS_MONTH or phrase in _NEXT_MONTH:
        ahead = 1 if phrase in _NEXT_MONTH else 0
        year, month = _add_months(today.year, today.month, ahead)
        candidate = _last_day(year, month) if edge == "end" else date(year, month, 1)
        if ahead or _in_direction(candidate, today, prefer_future):
            return candidate
        # "début du mois" on the 20th: next month's; "fin du mois" of a past payment: last month's
        year, month = _add_months(year, month, 1 if prefer_future else -1)
        return _last_day(year, month) if edge == "end" else date(year, month, 1)
    found, parts = _date_data(phrase, lang, today, prefer_future)
    if found is None or "month" not in parts or "day" in parts:
        return None
    year_given = found.year if "year" in parts else None
    return _month(year_given, found.month, today, prefer_future, edge)


def _read_window(span: str, lang: _Lang, today: date, prefer_future: bool) -> date | None:
    """The date a few words say, or None: dateparser plus our corrections and sanity checks."""
    folded = _fold(span)
    words = folded.replace("'", " ").replace("-", " ").split()
    edge = _read_edge(words, lang, today, prefer_future)
    if edge is not None:
        return edge
    if " ".join(words) in _NEXT_MONTH:  # "le mois prochain": its first day, not today + 1 month
        year, month = _add_months(today.year, today.month, 1)
        return date(year, month, 1)
    if folded in _AMBIGUOUS_ALONE:
        return None
    if not any(c.isalpha() for c in span) and not any(c in "/-" for c in span):
        return None  # "15", "1480", "12,50", "15.03": amounts or times, not dates
    found, parts = _date_data(span, lang, today, prefer_future)
    if found is None and any(w[:2] in {"29", "30", "31"} for w in words):
        # dateparser rejects "le 30" in February: read the lone day against a 31-day January.
        found, parts = _date_data(span, lang, date(today.year, 1, 1), prefer_future)
        if parts != ("day",):
            return None
    if found is None or not ({"day", "month"} & set(parts) or parts == ()):
        return None  # nothing, a year alone, or a time alone
    if abs(found.year - today.year) > _YEARS_AROUND:
        return None  # "50 a" read as 2050, "1480" as a year
    if not _numbers_belong(folded.replace("'", " ").split(), found, lang, today):
        return None  # "50 demain": the 50 is money, the date is only "demain"
    if parts == ("day",):
        return _roll_day(found.day, today, prefer_future)
    if "month" in parts and "day" in parts and "year" not in parts:
        return _month_day(found.month, found.day, today, prefer_future)
    if parts == ("month",):  # "en avril"
        return _month(None, found.month, today, prefer_future, None)
    if parts == ("year", "month") and str(found.year) in words:  # "avril 2026"
        return _month(found.year, found.month, today, prefer_future, None)
    return found.date()  # relative: "demain", "vendredi", "dans un mois" (same day, next month)


_DURATIONS: Final = _words(
    "jour jours semaine semaines mois an ans day days week weeks month months year years"
)


def _numbers_belong(words: list[str], found: datetime, lang: _Lang, today: date) -> bool:
    """Every bare number in a window must be part of the date dateparser returned.

    dateparser silently drops numbers it cannot place ("50 demain" is tomorrow, "15 le mois
    prochain" the 15 April), which would hide an amount. So a number must be the date's day or
    year, or a quantity of days/weeks ("dans 15 jours"), and a window may start with one only
    when a month name follows ("15 mars"), not in "je paie 15 demain".
    """
    for position, word in enumerate(words):
        if not word.replace(",", "").replace(".", "").isdigit():
            continue
        if not word.isdigit():
            return False  # "12,50": money
        following = words[position + 1] if position + 1 < len(words) else ""
        if position == 0:
            if not _is_month_name(following, lang, today):
                return False
        elif following in _DURATIONS:
            continue
        if int(word) not in (found.day, found.year, found.year % 100):
            return False
    return True


def _is_month_name(word: str, lang: _Lang, today: date) -> bool:
    if not word.isalpha():
        return False
    _, parts = _date_data(word, lang, today, True)
    return parts == ("month",)


def _tokens(text: str) -> list[tuple[int, int]]:
    """Word offsets, trimmed of surrounding punctuation ("vendredi," -> "vendredi")."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"\S+", text):
        start, end = match.span()
        while start < end and text[start] in "([«\"'":
            start += 1
        while end > start and text[end - 1] in ".,;:!?)]»\"'":
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


@lru_cache(maxsize=256)
def _scan(
    text: str, lang: _Lang, today: date, prefer_future: bool
) -> tuple[str, tuple[_Found, ...]]:
    """Number words spelled out, then every date span in it, in order.

    dateparser's own ``search_dates`` proved unreliable on chat sentences (it reads "je" as
    Thursday, "£80 on the 10th" as 2080 and misses "le 5"), so we slide a window over the words,
    longest first, and let ``DateDataParser`` judge each one: it refuses unknown words, so a
    window only parses when it is all date.
    """
    prepared = _spell_out_numbers(text, lang)
    blocked = [(m.start(), m.end()) for m in _NOT_A_DATE.finditer(prepared)]
    blocked += _reference_spans(prepared)
    blocked += [(s, e) for s, e, money in _money_candidates(prepared) if money.currency]
    masked = _mask(prepared, blocked, _MASK)
    tokens = [(s, e) for s, e in _tokens(masked) if _MASK not in masked[s:e]]
    found: list[_Found] = []
    index = 0
    while index < len(tokens):
        for size in range(min(_MAX_WINDOW, len(tokens) - index), 0, -1):
            start, end = tokens[index][0], tokens[index + size - 1][1]
            span = masked[start:end]
            if _MASK in span:
                continue
            when = _read_window(span, lang, today, prefer_future)
            if when is not None:
                found.append((start, end, when))
                index += size
                break
        else:
            index += 1
    return prepared, tuple(found)


def find_date(text: str, language: str, today: date, *, prefer_future: bool = True) -> date | None:
    """The first date a debtor's sentence mentions ("je vous paie 200 € vendredi"), else None.

    The first one on the preferred side of today wins, so in "j'ai perdu mon emploi le mois
    dernier, je paie le 15" the promise is the 15th; with none there, the first date at all.
    ``prefer_future=False`` reads a payment already made: "vendredi" is then last Friday.
    """
    _, found = _scan(text, _lang(language), today, prefer_future)
    return _first(found, today, prefer_future)


def _first(found: tuple[_Found, ...], today: date, prefer_future: bool) -> date | None:
    for _, _, when in found:
        if _in_direction(when, today, prefer_future):
            return when
    return found[0][2] if found else None


def parse_date(text: str, language: str, today: date, *, prefer_future: bool = True) -> date | None:
    """A date entity or short answer ("le 15", "next friday", "fin du mois"), relative to today.

    With ``prefer_future`` a date without month or year is the next one to come: "le 15" on the
    20th is the 15th of next month; without it, the last one gone ("j'ai payé le 15": this
    month's). Falls back to the first date inside a longer text.
    """
    lang = _lang(language)
    prepared = _spell_out_numbers(text.strip(), lang)
    if prepared:
        whole = _read_window(prepared, lang, today, prefer_future)
        if whole is not None:
            return whole
    _, found = _scan(text, lang, today, prefer_future)
    return _first(found, today, prefer_future)


# --------------------------------------------------------------------------------------------
# Instalment counts
# --------------------------------------------------------------------------------------------

# "6 mensualités", "4 instalments": these nouns count payments whatever precedes them.
_PAYMENT_NOUNS: Final = _words(
    "mensualite mensualites echeance echeances versement versements paiement paiements "
    "prelevement prelevements instalment instalments installment installments payment "
    "payments"
)
_MONTH_NOUNS: Final = frozenset({"mois", "month", "months"})
# "sur 6 mois", "over six months", "in 6 months": spreading. "depuis 6 mois" is not.
_SPREAD_WORDS: Final = frozenset({"sur", "en", "over", "in", "within", "across"})
# "pendant 6 mois" / "for 6 months" spread only when a monthly rate is also given.
_DURING_WORDS: Final = frozenset({"pendant", "durant", "for", "during"})
_ADJECTIVES: Final = _words("monthly equal mensuel mensuels mensuelle mensuelles egales egaux")
_MAX_MONTHS: Final = 120
_RATE: Final = re.compile(
    r"\b(?:par|chaque|a|per|each|every)\s+mois\b|\b(?:a|per|each|every)"
    r"\s+month\b|\bmonthly\b|\bmensuel",
    re.IGNORECASE,
)


def parse_months(text: str, language: str) -> int | None:
    """How many instalments or months a debtor asks for: "en 3 fois", "over six months" -> 3, 6."""
    lang = _lang(language)
    prepared = _fold(_spell_out_numbers(text, lang))
    words = [w.strip('.,;:!?()"') for w in prepared.replace("'", " ").replace("-", " ").split()]
    has_rate = _RATE.search(prepared) is not None
    for index, word in enumerate(words):
        count = _word_number(word, lang) if word else None
        if count is None or not 1 <= count <= _MAX_MONTHS:
            continue
        before = words[index - 1] if index > 0 else ""
        following = words[index + 1 : index + 3]
        noun = following[0] if following else ""
        if noun in _ADJECTIVES and len(following) > 1:
            noun = following[1]
        if noun in _PAYMENT_NOUNS:
            return count
        if noun == "fois" and (before in {"en", "in"} or _next_is_number(words, index + 2, lang)):
            return count  # "en 3 fois", "3 fois 100 €" — not "j'ai appelé 3 fois"
        if noun in _MONTH_NOUNS and (
            before in _SPREAD_WORDS or (before in _DURING_WORDS and has_rate)
        ):
            return count
    return None


def _next_is_number(words: list[str], index: int, lang: _Lang) -> bool:
    return index < len(words) and _word_number(words[index], lang) is not None


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------

_SYMBOLS: Final[dict[str, str]] = {"EUR": "€", "USD": "$", "GBP": "£"}
_NNBSP: Final = "\u202f"  # French thousands separator
_NBSP: Final = "\u00a0"  # French space before the currency sign

_MONTHS_FR: Final = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """'1 480,00 €' in French, '€1,480.00' in English: how each reader expects money written.

    French uses narrow no-break spaces between thousands and a no-break space before the sign,
    so an amount never wraps across two lines of a chat bubble.
    """
    lang = _lang(language)
    try:
        value = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {amount!r}") from error
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"
    symbol = _SYMBOLS.get(currency.upper(), currency.upper())
    if lang == "fr":
        digits = digits.replace(",", _NNBSP).replace(".", ",")
        return f"{sign}{digits}{_NBSP}{symbol}"
    if currency.upper() in _SYMBOLS:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{symbol}{_NBSP}{digits}"  # "CHF 20.00"


def format_date(d: date, language: str) -> str:
    """'15 mars 2025' / '1er avril 2025' in French, '15 March 2025' in English (UK order)."""
    if _lang(language) == "fr":
        day = "1er" if d.day == 1 else str(d.day)
        return f"{day} {_MONTHS_FR[d.month - 1]} {d.year}"
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"
