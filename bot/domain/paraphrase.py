"""Active listening: say back what the debtor said, with the details heard, and ask.

The bot restates only what the debtor said (method.md card 000-3): a known cause gets a
short faithful phrase, anything else is quoted in the debtor's own words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.domain.parsing import format_date, format_money
from bot.domain.texts import Language, method_phrase, reason_phrase, render_paraphrase

# Keyword stems per cause, matched on accent-free lower-case text. Order matters: first hit wins.
_CAUSE_KEYWORDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "hardship": (
        (
            "job_loss",
            (
                "perdu mon emploi",
                "perdu mon travail",
                "perdu mon boulot",
                "licencie",
                "licenciement",
                "chomage",
                "lost my job",
                "laid off",
                "redundan",
                "unemployed",
                "got fired",
                "lost my work",
            ),
        ),
        (
            "late_customers",
            (
                "clients ne paient",
                "clients paient en retard",
                "client ne nous",
                "impayes de nos clients",
                "customers pay late",
                "clients pay late",
                "client hasn't paid",
                "customers haven't paid",
                "client owes",
            ),
        ),
        (
            "business_slowdown",
            (
                "baisse d'activite",
                "activite a baisse",
                "plus de commandes",
                "carnet de commandes",
                "chiffre d'affaires",
                "business is slow",
                "business has dropped",
                "sales dropped",
                "slow season",
            ),
        ),
        (
            "unexpected_expense",
            (
                "imprevu",
                "reparation",
                "panne",
                "unexpected",
                "repair",
                "broke down",
                "emergency expense",
            ),
        ),
        (
            "reduced_income",
            (
                "baisse de salaire",
                "moins d'heures",
                "mi-temps",
                "temps partiel",
                "reduced hours",
                "pay cut",
                "hours cut",
                "part-time",
                "part time",
            ),
        ),
        ("cash_flow", ("tresorerie", "cash flow", "cash-flow", "cashflow")),
    ),
    "dispute": (
        (
            "not_delivered",
            (
                "jamais recu la commande",
                "pas ete livre",
                "jamais livre",
                "rien recu",
                "never delivered",
                "not delivered",
                "never arrived",
                "never received the goods",
                "never got the",
            ),
        ),
        (
            "incomplete",
            (
                "incomplet",
                "manquait",
                "partielle",
                "incomplete",
                "missing items",
                "only half",
                "partial delivery",
            ),
        ),
        (
            "not_ordered",
            ("jamais commande", "pas commande", "never ordered", "didn't order", "did not order"),
        ),
        ("cancelled", ("resilie", "resiliation", "annule", "cancelled", "canceled", "terminated")),
        (
            "price",
            (
                "pas le prix",
                "devis",
                "plus cher",
                "trop cher",
                "surfactur",
                "overcharg",
                "not the price",
                "quote",
                "agreed price",
                "more than agreed",
            ),
        ),
        (
            "quality",
            (
                "defectueu",
                "casse",
                "abime",
                "mal fait",
                "pas conforme",
                "ne marche",
                "ne fonctionne",
                "defective",
                "broken",
                "damaged",
                "poor",
                "faulty",
                "doesn't work",
                "does not work",
                "badly done",
                "not working",
            ),
        ),
    ),
    "admin_problem": (
        (
            "missing_reference",
            ("bon de commande", "numero de commande", "purchase order", " po ", "po number", "p.o"),
        ),
        (
            "invoice_delivery",
            (
                "jamais recu la facture",
                "pas recu la facture",
                "jamais recu de facture",
                "pas recu de facture",
                "never received the invoice",
                "never got the invoice",
                "didn't receive the invoice",
                "did not receive the invoice",
                "no invoice",
                "aucune facture",
                "recu aucune",
            ),
        ),
        (
            "master_data_error",
            (
                "mauvaise adresse",
                "adresse",
                "raison sociale",
                "siret",
                "tva",
                "mauvais nom",
                "wrong address",
                "address",
                "company name",
                "vat number",
                "wrong name",
                "wrong department",
                "addressee",
            ),
        ),
        (
            "billing_error",
            (
                "erreur de montant",
                "montant errone",
                "mauvais montant",
                "faute de frappe",
                "wrong amount",
                "typo",
                "incorrect amount",
            ),
        ),
        (
            "missing_document",
            (
                "duplicata",
                "copie",
                "justificatif",
                "bon de livraison",
                "copy",
                "duplicate",
                "delivery note",
                "statement",
            ),
        ),
    ),
}

_METHOD_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("transfer", ("virement", "transfer", "bacs", "wire", "vir ")),
    ("direct_debit", ("prelevement", "direct debit")),
    ("card", ("carte", "card", "cb ")),
    ("cheque", ("cheque", "check")),
    ("paypal", ("paypal",)),
    ("cash", ("especes", "liquide", "cash")),
)

GENERIC_REASON = {
    "hardship": "hardship_generic",
    "dispute": "dispute_generic",
    "admin_problem": "admin_generic",
}

QUOTE_LIMIT = 120


def normalise(text: str) -> str:
    """Lower-case, accent-free, single-spaced text for keyword matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + " ".join(stripped.replace("’", "'").split()) + " "


def detect_reason(intent: str, text: str) -> str | None:
    """The cause sub-category named in ``text``, or None when the words do not say."""
    haystack = normalise(text)
    for code, keywords in _CAUSE_KEYWORDS.get(intent, ()):
        if any(k in haystack for k in keywords):
            return code
    return None


def detect_payment_method(text: str) -> str | None:
    haystack = normalise(text)
    for code, keywords in _METHOD_KEYWORDS:
        if any(k in haystack for k in keywords):
            return code
    return None


def quote(text: str) -> str:
    """The debtor's words, trimmed to a readable length at a word boundary."""
    clean = " ".join(text.split())
    if len(clean) <= QUOTE_LIMIT:
        return clean
    cut = clean[:QUOTE_LIMIT].rsplit(" ", 1)[0]
    return cut + "…"


@dataclass(frozen=True)
class Heard:
    """The details the bot heard in the debtor's message(s)."""

    text: str
    amount: Decimal | None = None
    currency: str = "EUR"
    when: date | None = None
    months: int | None = None
    invoice: str | None = None
    method: str | None = None
    reason: str | None = None


def reason_text(intent: str, heard: Heard, language: Language) -> str:
    code = heard.reason or detect_reason(intent, heard.text)
    if code is not None:
        return reason_phrase(code, language)
    if heard.text.strip() and not heard.text.startswith("/"):
        return reason_phrase("quoted", language, quote=quote(heard.text))
    return reason_phrase(GENERIC_REASON.get(intent, "admin_generic"), language)


def _capacity(heard: Heard, language: Language) -> str:
    if heard.amount is not None:
        money = format_money(heard.amount, heard.currency, language)
        return (
            f", et vous pourriez verser environ {money} par mois"
            if language == "fr"
            else f", and you could pay about {money} a month"
        )
    if heard.months is not None:
        return (
            f", sur environ {heard.months} mois"
            if language == "fr"
            else f", over about {heard.months} months"
        )
    return ""


def paraphrase(intent: str, heard: Heard, language: Language, *, invoice: str, balance: str) -> str:
    """The reformulation for a cause-bearing intent, ending with a confirmation question."""
    if intent == "hardship":
        return render_paraphrase(
            intent,
            language,
            reason=reason_text(intent, heard, language),
            capacity=_capacity(heard, language),
        )
    if intent == "request_instalments":
        return render_paraphrase(
            intent, language, amount=balance, capacity=_capacity(heard, language)
        )
    if intent in ("dispute", "admin_problem"):
        return render_paraphrase(
            intent,
            language,
            invoice=heard.invoice or invoice,
            reason=reason_text(intent, heard, language),
        )
    if intent == "already_paid":
        return render_paraphrase(intent, language, details=payment_details(heard, language))
    if intent == "promise_to_pay":
        amount = (
            format_money(heard.amount, heard.currency, language)
            if heard.amount is not None
            else balance
        )
        when = (
            (" le " if language == "fr" else " on ") + format_date(heard.when, language)
            if heard.when is not None
            else ""
        )
        return render_paraphrase(intent, language, amount=amount, date=when)
    raise ValueError(f"no paraphrase for intent {intent!r}")


def payment_details(heard: Heard, language: Language) -> str:
    """' : 480,00 € le 2 avril 2025 par virement' — only the parts the debtor gave."""
    parts: list[str] = []
    if heard.amount is not None:
        parts.append(format_money(heard.amount, heard.currency, language))
    if heard.when is not None:
        parts.append(("le " if language == "fr" else "on ") + format_date(heard.when, language))
    if heard.method is not None:
        parts.append(method_phrase(heard.method, language))
    if not parts:
        return ""
    return (" : " if language == "fr" else ": ") + " ".join(parts)
