"""Amounts, dates and instalment counts as French and English debtors actually write them."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.parsing import (
    Money,
    find_amounts,
    find_date,
    format_date,
    format_money,
    parse_amount,
    parse_date,
    parse_months,
)

D = Decimal
TODAY = date(2025, 3, 20)  # a Thursday
NNBSP, NBSP = "\u202f", "\u00a0"


# --------------------------------------------------------------------------------------------
# Amounts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "amount", "currency"),
    [
        ("150 €", "fr", "150", "EUR"),
        ("150€", "fr", "150", "EUR"),
        ("150 euros", "fr", "150", "EUR"),
        ("150euros", "fr", "150", "EUR"),
        ("150 balles", "fr", "150", "EUR"),
        ("1 480,00 €", "fr", "1480", "EUR"),
        (f"1{NNBSP}480,00{NBSP}€", "fr", "1480", "EUR"),
        ("1.480,00 €", "fr", "1480", "EUR"),
        ("EUR 200", "fr", "200", "EUR"),
        ("€1,480", "en", "1480", "EUR"),
        ("$200", "en", "200", "USD"),
        ("USD 20", "en", "20", "USD"),
        ("200 dollars", "en", "200", "USD"),
        ("I can do 20 bucks", "en", "20", "USD"),
        ("£80", "en", "80", "GBP"),
        ("80 pounds", "en", "80", "GBP"),
        ("fifty quid", "en", "50", "GBP"),
        ("je vous dois 1480 euros", "fr", "1480", "EUR"),
        ("je peux mettre 50 euros par mois", "fr", "50", "EUR"),
        ("I can pay £80 on the 10th", "en", "80", "GBP"),
        ("pour la facture F-2024-113 je paierai 300 euros demain", "fr", "300", "EUR"),
        ("la facture 113 de 480 €", "fr", "480", "EUR"),
    ],
)
def test_reads_amount_and_currency_as_written(
    text: str, language: str, amount: str, currency: str
) -> None:
    assert parse_amount(text, language) == Money(D(amount), currency)


@pytest.mark.parametrize(
    ("text", "language", "amount", "currency"),
    [
        ("cent cinquante euros", "fr", "150", "EUR"),
        ("deux cents", "fr", "200", None),
        ("je peux mettre cinquante euros", "fr", "50", "EUR"),
        ("mille quatre cent quatre-vingts euros", "fr", "1480", "EUR"),
        ("deux mille euros", "fr", "2000", "EUR"),
        ("2 mille euros", "fr", "2000", "EUR"),
        ("one hundred and fifty pounds", "en", "150", "GBP"),
        ("three thousand pounds", "en", "3000", "GBP"),
        ("a hundred dollars", "en", "100", "USD"),
    ],
)
def test_reads_amounts_spelled_out_in_words(
    text: str, language: str, amount: str, currency: str | None
) -> None:
    assert find_amounts(text, language) == [Money(D(amount), currency)]


@pytest.mark.parametrize(
    ("text", "language", "amount"),
    [
        ("environ 80 par mois", "fr", "80"),
        ("1 480", "fr", "1480"),
        ("12,50", "fr", "12.50"),
        ("1,5", "fr", "1.50"),
        ("1,480.00", "en", "1480"),
        ("I'll pay 12.50 tomorrow", "en", "12.50"),
        ("je paie 12,50 demain", "fr", "12.50"),
        ("je vous ai fait un virement de 200", "fr", "200"),
        ("I can pay 50 a month from the 10th of June", "en", "50"),
    ],
)
def test_amount_without_currency_takes_the_default(text: str, language: str, amount: str) -> None:
    assert parse_amount(text, language, "EUR") == Money(D(amount), "EUR")
    assert find_amounts(text, language) == [Money(D(amount), None)]


def test_a_stated_currency_beats_the_default() -> None:
    assert parse_amount("£80", "en", "EUR") == Money(D(80), "GBP")


def test_amounts_are_in_cents() -> None:
    money = parse_amount("150 €", "fr")
    assert money is not None and money.amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("je sais pas", "fr"),
        ("je ne peux pas payer", "fr"),
        ("I don't know", "en"),
        ("I'm not free until friday", "en"),  # price_parser alone reads "free" as 0
        ("", "fr"),
        ("50%", "fr"),
    ],
)
def test_no_amount_when_none_is_given(text: str, language: str) -> None:
    assert parse_amount(text, language, "EUR") is None
    assert find_amounts(text, language) == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("le 15 mars", "fr"),
        ("le 15", "fr"),
        ("15/03", "fr"),
        ("le 15 avril 2025", "fr"),
        ("on the 10th", "en"),
        ("10th of June", "en"),
        ("2 April 2025", "en"),
        ("dans 15 jours", "fr"),
        ("in 2 weeks", "en"),
    ],
)
def test_dates_are_not_read_as_amounts(text: str, language: str) -> None:
    assert find_amounts(text, language, today=TODAY) == []


@pytest.mark.parametrize(
    ("text", "language", "amounts"),
    [
        ("je peux payer 150 euros le 15 mars", "fr", ["150"]),
        ("le 15 je mets 100", "fr", ["100"]),
        ("payer 1 480 le 15/03", "fr", ["1480"]),
        ("j'ai payé 480 € le 2 avril 2025", "fr", ["480"]),
        ("I paid 480 on 2 April 2025", "en", ["480"]),
        ("on the 10th I'll pay 200", "en", ["200"]),
        ("120 le 5 et 120 le 20", "fr", ["120", "120"]),
        ("je paie 50 demain", "fr", ["50"]),
    ],
)
def test_amounts_next_to_dates_keep_only_the_money(
    text: str, language: str, amounts: list[str]
) -> None:
    assert [m.amount for m in find_amounts(text, language, today=TODAY)] == [D(a) for a in amounts]


@pytest.mark.parametrize(
    ("text", "language", "amounts"),
    [
        ("F-2024-113", "fr", []),
        ("INV-2024-113", "en", []),
        ("facture F2024-113 : 300 €", "fr", ["300"]),
        ("réf 2024-113, je paie 300", "fr", ["300"]),
        ("n°113", "fr", []),
        ("invoice 2024113 for 300", "en", ["300"]),
        ("je paie en 3 fois", "fr", []),
        ("3 payments of 100", "en", ["100"]),
        ("je peux mettre 100 € par mois pendant 6 mois", "fr", ["100"]),
        ("j'ai 2 enfants et je peux payer 40", "fr", ["40"]),
    ],
)
def test_references_and_counts_are_not_amounts(
    text: str, language: str, amounts: list[str]
) -> None:
    assert [m.amount for m in find_amounts(text, language, today=TODAY)] == [D(a) for a in amounts]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("I owe 1,480.00 and can pay 100 a month", "en", [("1480", None), ("100", None)]),
        ("150 € maintenant et 100 € le mois prochain", "fr", [("150", "EUR"), ("100", "EUR")]),
        ("£50 now and $20 later", "en", [("50", "GBP"), ("20", "USD")]),
    ],
)
def test_finds_every_amount_in_order(
    text: str, language: str, expected: list[tuple[str, str | None]]
) -> None:
    assert find_amounts(text, language, today=TODAY) == [Money(D(a), c) for a, c in expected]


@settings(max_examples=200, deadline=None)
@given(
    amount=st.decimals(min_value=D("0.01"), max_value=D("9999999.99"), places=2),
    currency=st.sampled_from(["EUR", "USD", "GBP"]),
    language=st.sampled_from(["fr", "en"]),
)
def test_reads_back_every_amount_it_writes(amount: Decimal, currency: str, language: str) -> None:
    assert parse_amount(format_money(amount, currency, language), language) == Money(
        amount, currency
    )


def test_money_is_immutable() -> None:
    money = Money(D(1), "EUR")
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = D(2)  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("demain", "fr", date(2025, 3, 21)),
        ("après-demain", "fr", date(2025, 3, 22)),
        ("aujourd'hui", "fr", TODAY),
        ("vendredi", "fr", date(2025, 3, 21)),
        ("vendredi prochain", "fr", date(2025, 3, 21)),  # dateparser FR has no "prochain"
        ("ce vendredi", "fr", date(2025, 3, 21)),
        ("lundi", "fr", date(2025, 3, 24)),
        ("mardi 25", "fr", date(2025, 3, 25)),
        ("d'ici vendredi", "fr", date(2025, 3, 21)),
        ("dans deux semaines", "fr", date(2025, 4, 3)),
        ("dans quinze jours", "fr", date(2025, 4, 4)),
        ("la semaine prochaine", "fr", date(2025, 3, 27)),
        ("dans un mois", "fr", date(2025, 4, 20)),
        ("tomorrow", "en", date(2025, 3, 21)),
        ("today", "en", TODAY),
        ("next friday", "en", date(2025, 3, 21)),
        ("this friday", "en", date(2025, 3, 21)),
        ("by friday", "en", date(2025, 3, 21)),
        ("in two weeks", "en", date(2025, 4, 3)),
        ("in a fortnight", "en", date(2025, 4, 3)),
        ("next week", "en", date(2025, 3, 27)),
        ("in a month", "en", date(2025, 4, 20)),
    ],
)
def test_relative_dates_count_from_the_injected_today(
    text: str, language: str, expected: date
) -> None:
    assert parse_date(text, language, TODAY) == expected


def test_dates_depend_on_today_not_on_the_wall_clock() -> None:
    assert parse_date("demain", "fr", date(2031, 12, 31)) == date(2032, 1, 1)
    assert parse_date("le 15", "fr", date(1999, 6, 1)) == date(1999, 6, 15)
    assert find_date("I'll pay tomorrow", "en", date(2024, 2, 28)) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("le 15 mars", "fr", date(2026, 3, 15)),  # already past this year
        ("15 mars", "fr", date(2026, 3, 15)),
        ("le 5 avril", "fr", date(2025, 4, 5)),
        ("le 1er avril", "fr", date(2025, 4, 1)),
        ("1er avril", "fr", date(2025, 4, 1)),
        ("le quinze avril", "fr", date(2025, 4, 15)),
        ("le 15 avril 2025", "fr", date(2025, 4, 15)),
        ("10th of June", "en", date(2025, 6, 10)),
        ("the tenth of June", "en", date(2025, 6, 10)),
        ("June 10", "en", date(2025, 6, 10)),
        ("2 April 2025", "en", date(2025, 4, 2)),
    ],
)
def test_day_and_month_without_year_is_the_next_one(
    text: str, language: str, expected: date
) -> None:
    assert parse_date(text, language, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [("15/03", "fr"), ("15/03", "en"), ("15-03", "fr"), ("15/03/2026", "en")],
)
def test_numeric_dates_are_day_first_in_both_languages(text: str, language: str) -> None:
    assert parse_date(text, language, TODAY) == date(2026, 3, 15)


def test_ambiguous_numeric_dates_are_day_first_for_english_debtors_too() -> None:
    assert parse_date("03/04", "en", TODAY) == date(2025, 4, 3)


@pytest.mark.parametrize(
    ("text", "language", "today", "expected"),
    [
        ("le 15", "fr", TODAY, date(2025, 4, 15)),  # the 15th has passed: next month's
        ("le 25", "fr", TODAY, date(2025, 3, 25)),
        ("le 20", "fr", TODAY, TODAY),
        ("on the 10th", "en", TODAY, date(2025, 4, 10)),
        ("the 31st", "en", TODAY, date(2025, 3, 31)),
        ("le 30", "fr", date(2025, 2, 20), date(2025, 3, 30)),  # dateparser rejects 30 February
        ("le 31", "fr", date(2025, 4, 5), date(2025, 5, 31)),
        ("the 29th", "en", date(2025, 2, 27), date(2025, 3, 29)),
        ("the 30th", "en", date(2025, 2, 20), date(2025, 3, 30)),
        ("le 30", "fr", date(2025, 12, 31), date(2026, 1, 30)),
        ("le 5 janvier", "fr", date(2025, 12, 20), date(2026, 1, 5)),
        ("15 mars", "fr", date(2025, 3, 15), date(2025, 3, 15)),  # today, not next year
    ],
)
def test_lone_day_is_the_next_one_to_come(
    text: str, language: str, today: date, expected: date
) -> None:
    assert parse_date(text, language, today) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("le 15", "fr", date(2025, 3, 15)),
        ("le 25", "fr", date(2025, 2, 25)),
        ("vendredi", "fr", date(2025, 3, 14)),
        ("hier", "fr", date(2025, 3, 19)),
        ("2 avril", "fr", date(2024, 4, 2)),
        ("15 mars", "fr", date(2025, 3, 15)),
        ("last friday", "en", date(2025, 3, 14)),
        ("on the 2nd", "en", date(2025, 3, 2)),
        ("fin du mois", "fr", date(2025, 2, 28)),
    ],
)
def test_payments_already_made_prefer_the_past(text: str, language: str, expected: date) -> None:
    assert parse_date(text, language, TODAY, prefer_future=False) == expected


@pytest.mark.parametrize(
    ("text", "language", "today", "expected"),
    [
        ("fin du mois", "fr", TODAY, date(2025, 3, 31)),
        ("fin de mois", "fr", TODAY, date(2025, 3, 31)),
        ("à la fin du mois", "fr", TODAY, date(2025, 3, 31)),
        ("en fin de mois", "fr", TODAY, date(2025, 3, 31)),
        ("fin du mois", "fr", date(2024, 2, 3), date(2024, 2, 29)),
        ("end of the month", "en", TODAY, date(2025, 3, 31)),
        ("end of month", "en", TODAY, date(2025, 3, 31)),
        ("by the end of the month", "en", TODAY, date(2025, 3, 31)),
        ("fin du mois prochain", "fr", TODAY, date(2025, 4, 30)),
        ("end of next month", "en", TODAY, date(2025, 4, 30)),
        ("début du mois prochain", "fr", TODAY, date(2025, 4, 1)),
        ("start of next month", "en", TODAY, date(2025, 4, 1)),
        ("beginning of next month", "en", TODAY, date(2025, 4, 1)),
        ("début du mois", "fr", TODAY, date(2025, 4, 1)),
        ("début du mois", "fr", date(2025, 3, 1), date(2025, 3, 1)),
        ("le mois prochain", "fr", TODAY, date(2025, 4, 1)),
        ("next month", "en", TODAY, date(2025, 4, 1)),
        ("next month", "en", date(2025, 12, 5), date(2026, 1, 1)),
        ("fin mars", "fr", TODAY, date(2025, 3, 31)),
        ("fin avril", "fr", TODAY, date(2025, 4, 30)),
        ("end of April", "en", TODAY, date(2025, 4, 30)),
        ("début avril", "fr", TODAY, date(2025, 4, 1)),
        ("early April", "en", TODAY, date(2025, 4, 1)),
    ],
)
def test_month_edges_dateparser_does_not_know(
    text: str, language: str, today: date, expected: date
) -> None:
    assert parse_date(text, language, today) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("en avril", "fr", date(2025, 4, 1)),
        ("in April", "en", date(2025, 4, 1)),
        ("en mars", "fr", TODAY),  # the month has started: from today
        ("en janvier", "fr", date(2026, 1, 1)),
        ("avril 2026", "fr", date(2026, 4, 1)),
    ],
)
def test_month_without_day_is_its_first_day_still_to_come(
    text: str, language: str, expected: date
) -> None:
    assert parse_date(text, language, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("je sais pas", "fr"),
        ("je", "fr"),  # dateparser: short for jeudi
        ("may", "en"),  # dateparser: the month
        ("now", "en"),
        ("80", "fr"),  # dateparser: the year 2080
        ("1480", "fr"),
        ("12,50", "fr"),
        ("150 euros", "fr"),
        ("", "en"),
        ("whenever I can", "en"),
    ],
)
def test_no_date_when_none_is_given(text: str, language: str) -> None:
    assert parse_date(text, language, TODAY) is None
    assert find_date(text, language, TODAY) is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("je peux payer 150 euros le 15 mars", "fr", date(2026, 3, 15)),
        ("je vous envoie 200 € vendredi", "fr", date(2025, 3, 21)),
        ("je paye vendredi prochain, c'est promis", "fr", date(2025, 3, 21)),
        ("Je vous paye le 5 avril, promis.", "fr", date(2025, 4, 5)),
        ("je peux pas avant le 5", "fr", date(2025, 4, 5)),
        ("je touche mon salaire le 1er", "fr", date(2025, 4, 1)),
        ("je paierai à la fin du mois", "fr", date(2025, 3, 31)),
        ("je paierai début avril", "fr", date(2025, 4, 1)),
        ("je vous règle le 15 avril et le reste le 30", "fr", date(2025, 4, 15)),
        ("je mets 15 le mois prochain", "fr", date(2025, 4, 1)),
        ("je paie 12,50 demain", "fr", date(2025, 3, 21)),
        ("je paierai dans deux semaines", "fr", date(2025, 4, 3)),
        ("pour la facture F-2024-113 je paierai 300 euros demain", "fr", date(2025, 3, 21)),
        ("I can pay £80 on the 10th", "en", date(2025, 4, 10)),
        ("I'll pay $200 next friday", "en", date(2025, 3, 21)),
        ("I can pay 50 a month from the 10th of June", "en", date(2025, 6, 10)),
        ("I can pay 50 a month from the 10th", "en", date(2025, 4, 10)),
        ("I may pay on monday", "en", date(2025, 3, 24)),
        ("I get paid on the 1st", "en", date(2025, 4, 1)),
        ("I can't pay now, maybe next month", "en", date(2025, 4, 1)),
        ("I will be able to pay on Friday the 28th", "en", date(2025, 3, 28)),
        ("I'll pay in two weeks", "en", date(2025, 4, 3)),
    ],
)
def test_finds_the_date_in_a_sentence(text: str, language: str, expected: date) -> None:
    assert find_date(text, language, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("j'ai perdu mon emploi le mois dernier mais je peux verser 150 euros le 15 avril", "fr"),
        ("I lost my job last month but I can send £150 on the 15th of April", "en"),
    ],
)
def test_the_promised_date_wins_over_past_context(text: str, language: str) -> None:
    assert find_date(text, language, TODAY) == date(2025, 4, 15)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("je peux payer en 3 fois", "fr"),
        ("sur 6 mois", "fr"),
        ("over 6 months", "en"),
        ("environ 80 par mois", "fr"),
        ("je vous dois 1480 euros", "fr"),
        ("je suis au chômage depuis 3 mois", "fr"),
        ("en 3 fois", "fr"),
        ("6 mois", "fr"),
        ("in 4 instalments", "en"),
        ("I can pay 100 a month", "en"),
    ],
)
def test_counts_and_amounts_are_not_dates(text: str, language: str) -> None:
    assert find_date(text, language, TODAY) is None
    assert parse_date(text, language, TODAY) is None


def test_parse_date_falls_back_to_the_date_inside_a_longer_entity() -> None:
    assert parse_date("je pense pouvoir vendredi", "fr", TODAY) == date(2025, 3, 21)


# --------------------------------------------------------------------------------------------
# Instalment counts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "months"),
    [
        ("en 3 fois", "fr", 3),
        ("en trois fois", "fr", 3),
        ("en deux fois", "fr", 2),
        ("en 3 fois sans frais", "fr", 3),
        ("3 fois 100 euros", "fr", 3),
        ("sur 6 mois", "fr", 6),
        ("sur six mois", "fr", 6),
        ("sur douze mois", "fr", 12),
        ("6 mensualités", "fr", 6),
        ("je peux payer en 4 versements", "fr", 4),
        ("paiement en 12 échéances", "fr", 12),
        ("je peux payer 100 € par mois pendant 6 mois", "fr", 6),
        ("en une fois", "fr", 1),
        ("over six months", "en", 6),
        ("over 6 months", "en", 6),
        ("spread it over 10 months", "en", 10),
        ("in 4 instalments", "en", 4),
        ("in two installments", "en", 2),
        ("3 payments", "en", 3),
        ("twelve payments of 50", "en", 12),
        ("6 monthly payments", "en", 6),
        ("I can pay 100 a month for 6 months", "en", 6),
    ],
)
def test_reads_how_many_instalments_or_months(text: str, language: str, months: int) -> None:
    assert parse_months(text, language) == months


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("je sais pas", "fr"),
        ("150 euros", "fr"),
        ("j'ai appelé 3 fois", "fr"),
        ("je suis au chômage depuis 6 mois", "fr"),
        ("dans 6 mois", "fr"),
        ("I've been unemployed for 6 months", "en"),
        ("en 200 fois", "fr"),
        ("I don't know", "en"),
    ],
)
def test_no_month_count_when_none_is_asked(text: str, language: str) -> None:
    assert parse_months(text, language) is None


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        ("1480", "EUR", "fr", f"1{NNBSP}480,00{NBSP}€"),
        ("1234567.891", "EUR", "fr", f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
        ("20", "USD", "fr", f"20,00{NBSP}$"),
        ("3.5", "GBP", "fr", f"3,50{NBSP}£"),
        ("0.005", "EUR", "fr", f"0,01{NBSP}€"),
        ("1480", "EUR", "en", "€1,480.00"),
        ("20", "USD", "en", "$20.00"),
        ("3.5", "GBP", "en", "£3.50"),
        ("-5", "EUR", "en", "-€5.00"),
    ],
)
def test_formats_money_the_way_each_reader_expects(
    amount: str, currency: str, language: str, expected: str
) -> None:
    assert format_money(D(amount), currency, language) == expected


@pytest.mark.parametrize(
    ("day", "language", "expected"),
    [
        (date(2025, 3, 15), "fr", "15 mars 2025"),
        (date(2025, 4, 1), "fr", "1er avril 2025"),
        (date(2025, 8, 2), "fr", "2 août 2025"),
        (date(2025, 12, 31), "fr", "31 décembre 2025"),
        (date(2025, 3, 15), "en", "15 March 2025"),
        (date(2025, 4, 1), "en", "1 April 2025"),
    ],
)
def test_formats_dates_the_way_each_reader_expects(day: date, language: str, expected: str) -> None:
    assert format_date(day, language) == expected


@settings(max_examples=100, deadline=None)
@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31)),
    language=st.sampled_from(["fr", "en"]),
)
def test_reads_back_every_date_it_writes(day: date, language: str) -> None:
    assert parse_date(format_date(day, language), language, TODAY) == day


@pytest.mark.parametrize("language", ["fr-FR", "en-GB", "FR", "EN"])
def test_accepts_regional_language_codes(language: str) -> None:
    assert parse_amount("150 €", language) == Money(D(150), "EUR")


def test_unknown_language_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        parse_amount("150 €", "de")
