"""Amounts and dates as debtors write them, turned into ``Decimal`` and ``date``.

Well-kept libraries do the work: ``text_to_num`` turns number words into digits ("cent
cinquante" → 150), ``price_parser`` reads amounts in any local format ("1 480,00 €",
"€1,480.00"), ``dateparser`` reads dates relative to an injected ``today`` (never the wall
clock). English debtors here are European: day-first dates ("02/03" is 2 March) everywhere.
The few things the libraries get wrong are listed and handled below, each with a test.
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import dateparser
from dateparser.search import search_dates
from price_parser import Price
from text_to_num import alpha2digit

CENT = Decimal("0.01")
CURRENCY_SIGNS = {"€": "EUR", "EUR": "EUR", "EURO": "EUR", "EUROS": "EUR", "BALLES": "EUR",
                  "$": "USD", "USD": "USD", "DOLLAR": "USD", "DOLLARS": "USD",
                  "£": "GBP", "GBP": "GBP", "POUND": "GBP", "POUNDS": "GBP", "LIVRES": "GBP"}
# Expressions dateparser does not know; value = function of today.
_EXPRESSIONS: dict[str, Any] = {
    "fin du mois": lambda t: _month_end(t),
    "fin de mois": lambda t: _month_end(t),
    "fin de ce mois": lambda t: _month_end(t),
    "end of the month": lambda t: _month_end(t),
    "end of month": lambda t: _month_end(t),
    "end of this month": lambda t: _month_end(t),
    "debut du mois prochain": lambda t: _next_month_start(t),
    "debut de mois prochain": lambda t: _next_month_start(t),
    "start of next month": lambda t: _next_month_start(t),
    "beginning of next month": lambda t: _next_month_start(t),
    "le mois prochain": lambda t: _next_month_start(t),
    "next month": lambda t: _next_month_start(t),
}
# search_dates reads some ordinary words as dates ("je" is an abbreviation of jeudi,
# "mar" of mardi/March, "sun" of Sunday…): a match must hold a digit or one of these words.
_DATE_WORDS = (
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier", "fevrier",
    "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre",
    "decembre", "demain", "apres-demain", "aujourd", "hier", "semaine", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "june", "july", "august", "september", "october", "november", "december",
    "tomorrow", "today", "yesterday", "week", "fortnight",
)
_MONTH_WORDS = (" mois", "month", "mensualit", "fois", "instalment", "installment", "payment",
                "versement", "echeance")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _month_end(today: date) -> date:
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def _next_month_start(today: date) -> date:
    return (today.replace(day=28) + timedelta(days=4)).replace(day=1)


def _digits(text: str, language: str) -> str:
    """Number words as digits; text2num leaves everything else untouched."""
    try:
        return str(alpha2digit(text, "fr" if language == "fr" else "en"))
    except Exception:  # text2num raises on a few odd inputs; the text as typed is still usable
        return text


def _currency(price: Price, text: str) -> str | None:
    if price.currency:
        sign = price.currency.strip().upper()
        if sign in CURRENCY_SIGNS:
            return CURRENCY_SIGNS[sign]
    words = {w.strip(".,;:!?").upper() for w in text.split()}
    for word, code in CURRENCY_SIGNS.items():
        if word in words and len(word) > 1:
            return code
    return None


def _settings(today: date, prefer_future: bool) -> dict[str, Any]:
    return {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "PREFER_DATES_FROM": "future" if prefer_future else "past",
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def _known_expression(text: str, today: date) -> date | None:
    plain = _plain(text)
    for expression, compute in _EXPRESSIONS.items():
        if expression in plain:
            result: date = compute(today)
            return result
    return None


_DAY_ARTICLES = ("le", "the", "du", "au")
_NOT_A_DAY_AFTER = ("€", "$", "£", "eur", "euro", "dollar", "pound", "balle", "mois", "fois",
                    "month", "payment", "instal", "versement", "%")


def _day_of_month(text: str, today: date, prefer_future: bool) -> tuple[str, date] | None:
    """"le 15" / "the 15th": a day of the month alone, which search_dates does not see."""
    words = _plain(text).replace(",", " ").split()
    for index, word in enumerate(words[1:], start=1):
        number = word.rstrip("stndrh") if word[-2:] in ("st", "nd", "rd", "th") else word
        if words[index - 1] not in _DAY_ARTICLES or not number.isdigit():
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        if any(following.startswith(w) for w in _NOT_A_DAY_AFTER):
            continue
        day = int(number)
        if not 1 <= day <= 31:
            continue
        candidate = _this_or_adjacent_month(today, day, prefer_future)
        if candidate is not None:
            return f"{words[index - 1]} {word}", candidate
    return None


def _this_or_adjacent_month(today: date, day: int, prefer_future: bool) -> date | None:
    months = [(today.year, today.month)]
    step = 1 if prefer_future else -1
    year, month = today.year, today.month + step
    if month == 13:
        year, month = year + 1, 1
    if month == 0:
        year, month = year - 1, 12
    months.append((year, month))
    for y, m in months:
        if day > calendar.monthrange(y, m)[1]:
            continue
        candidate = date(y, m, day)
        if (candidate >= today) if prefer_future else (candidate <= today):
            return candidate
    return None


def _date_spans(text: str, language: str, today: date, prefer_future: bool
                ) -> list[tuple[str, date]]:
    found = search_dates(_digits(text, language), languages=[language],
                         settings=_settings(today, prefer_future)) or []
    spans = []
    plain_text = _plain(_digits(text, language))
    for span, value in found:
        plain = _plain(span)
        at = plain_text.find(plain)
        before = plain_text[:at].split()[-1:] if at > 0 else []
        if len(plain.strip()) < 2 or not _looks_like_a_date(" ".join([*before, plain])):
            continue
        spans.append((span, value.date()))
    if not spans:
        day = _day_of_month(text, today, prefer_future)
        if day is not None:
            spans.append(day)
    return spans


def _looks_like_a_date(plain: str) -> bool:
    """Reject dateparser's guesses on ordinary words ("je") and bare numbers ("12,50", "100 a
    month"): keep a day or month name, a numeric date (15/03, 2025-01-02) or a day number with
    its article or ordinal ("le 15", "the 10th", "15th")."""
    if any(w in plain for w in _DATE_WORDS):
        return True
    words = plain.split()
    for index, word in enumerate(words):
        if any(sep in word for sep in "/-.") and sum(c.isdigit() for c in word) >= 3:
            return True
        if word.rstrip("stndrh").isdigit() and word[-2:] in ("st", "nd", "rd", "th"):
            return True
        if word.isdigit() and index > 0 and words[index - 1] in ("le", "du", "au", "the"):
            return True
    return False


def parse_date(text: str, language: str, today: date, *, prefer_future: bool = True
               ) -> date | None:
    """One date phrase ("le 15", "vendredi", "fin du mois", "15/03") relative to ``today``."""
    known = _known_expression(text, today)
    if known is not None:
        return known
    phrase = _digits(text, language)
    if not _looks_like_a_date(_plain(phrase)):
        return None
    value = dateparser.parse(phrase, languages=[language], settings=_settings(today, prefer_future))
    if value is None:
        spans = _date_spans(text, language, today, prefer_future)
        return spans[0][1] if spans else None
    return value.date()


def find_date(text: str, language: str, today: date, *, prefer_future: bool = True
              ) -> date | None:
    """The first date mentioned in a longer message."""
    known = _known_expression(text, today)
    if known is not None:
        return known
    spans = _date_spans(text, language, today, prefer_future)
    return spans[0][1] if spans else None


def _strip_non_amounts(text: str, language: str) -> str:
    """Remove what looks like a number but is not money: dates, invoice references, months."""
    cleaned = text
    for span, _ in _date_spans(text, language, date(2000, 1, 1), True):
        if any(c.isdigit() for c in span):
            cleaned = _remove_span(cleaned, span)
    words = []
    for word in cleaned.split():
        has_digit = any(c.isdigit() for c in word)
        has_alpha = any(c.isalpha() for c in word)
        if has_digit and has_alpha and "-" in word:
            continue  # an invoice or order reference like F-2024-113
        words.append(word)
    return " ".join(words)


def _remove_span(text: str, span: str) -> str:
    """Remove ``span`` from ``text`` ignoring case and accents (spans come back normalised)."""
    plain = _plain(text)
    at = plain.find(_plain(span))
    if at < 0 or len(plain) != len(text):
        return text.replace(span, " ")
    return text[:at] + " " + text[at + len(span):]


def find_amounts(text: str, language: str) -> list[Money]:
    """Every amount in a message, in order ("150 € par mois, 300 le 15" → [150, 300])."""
    digits = _strip_non_amounts(_digits(text, language), language)
    tokens = digits.split()
    amounts: list[Money] = []
    i = 0
    while i < len(tokens):
        if not any(c.isdigit() for c in tokens[i]):
            i += 1
            continue
        # an amount may be split by a thousands space ("1 480,00 €") and followed by a sign
        j = i + 1
        while j < len(tokens) and tokens[j].replace(",", "").replace(".", "").isdigit() \
                and len(tokens[j].split(",")[0].split(".")[0]) == 3:
            j += 1
        chunk = " ".join(tokens[max(0, i - 1):min(len(tokens), j + 1)])
        number = " ".join(tokens[i:j])
        price = Price.fromstring(number, decimal_separator="," if language == "fr" and
                                 "," in number and "." not in number else None)
        if price.amount is not None and _is_money_context(tokens, i, j):
            amounts.append(Money(price.amount.quantize(CENT, ROUND_HALF_UP),
                                 _currency(Price.fromstring(chunk), chunk)))
        i = j
    return amounts


def _is_money_context(tokens: list[str], start: int, end: int) -> bool:
    """A bare number next to 'mois'/'fois'/'months' is a count, not money ("en 3 fois")."""
    after = _plain(" ".join(tokens[end:end + 1]))
    number = tokens[start]
    if any(sign in number for sign in "€$£"):
        return True
    return not any(after.startswith(w.strip()) for w in _MONTH_WORDS if w.strip() != "payment")


def parse_amount(text: str, language: str, default_currency: str | None = None) -> Money | None:
    """The amount in a short phrase ("150 €", "cent cinquante euros", "£80"), or None."""
    amounts = find_amounts(text, language)
    if not amounts:
        return None
    money = amounts[0]
    return Money(money.amount, money.currency or default_currency)


def parse_months(text: str, language: str) -> int | None:
    """How many months or instalments: "en 3 fois", "sur six mois", "over 6 months"."""
    tokens = _plain(_digits(text, language)).replace(",", " ").split()
    for index, token in enumerate(tokens[:-1]):
        if token.isdigit() and any(tokens[index + 1].startswith(w.strip())
                                   for w in _MONTH_WORDS):
            count = int(token)
            return count if 0 < count <= 120 else None
    return None


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """FR "1 480,00 €" (narrow no-break thousands space), EN "€1,480.00"."""
    value = amount.quantize(CENT, ROUND_HALF_UP)
    sign = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency, currency)
    english = f"{value:,.2f}"
    if language == "fr":
        french = english.replace(",", "\u202f").replace(".", ",")
        return f"{french}\u00a0{sign}"
    return f"{sign}{english}"


_FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")


def format_date(value: date, language: str) -> str:
    """FR "15 mars 2025" ("1er avril 2025"), EN "15 March 2025"."""
    if language == "fr":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {_FR_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"
