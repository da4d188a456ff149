"""Checks on the NLU data that `rasa data validate` does not make (run with .venv-rasa's Python).

- the 20 intents of the contract, each with at least 40 examples per language;
- no text carried by two different intents (compared without case, accents or punctuation);
- every entity span falls on whole tokens of the pipeline's WhitespaceTokenizer (otherwise
  Rasa drops or mislearns it with only a warning during training).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = {
    "hardship", "dispute", "admin_problem", "already_paid", "promise_to_pay",
    "request_instalments", "request_human", "wrong_person", "stop_contact", "vulnerability",
    "ask_debt_details", "affirm", "deny", "greet", "goodbye", "thank", "bot_challenge",
    "ask_payment_methods", "inform", "out_of_scope",
}  # fmt: skip
MIN_PER_LANGUAGE = 40
ANNOTATION = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFKD", ANNOTATION.sub(lambda m: m.group(1), text).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def examples(path: Path) -> list[tuple[str, str]]:
    found = []
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            if "intent" in block and line.strip().startswith("- "):
                found.append((block["intent"], line.strip()[2:]))
    return found


def main() -> int:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    problems: list[str] = []
    counts: dict[tuple[str, str], int] = defaultdict(int)
    labels: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "nlu").glob("*/*.yml")):
        language = path.parent.name
        for intent, example in examples(path):
            counts[(language, intent)] += 1
            key = normalised(example)
            if key:  # emoji-only texts normalise to nothing
                labels[key].add(intent)
            plain, spans, position = "", [], 0
            for match in ANNOTATION.finditer(example):
                plain += example[position : match.start()]
                spans.append((len(plain), len(plain) + len(match.group(1)), match.group(1)))
                plain += match.group(1)
                position = match.end()
            plain += example[position:]
            if spans:
                tokens = tokenizer.tokenize(Message(data={"text": plain}), "text")
                starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
                for start, end, value in spans:
                    if start not in starts or end not in ends:
                        problems.append(f"{path.name}: entity [{value}] not on tokens: {example}")
    for language in ("fr", "en"):
        present = {intent for (lang, intent) in counts if lang == language}
        for intent in sorted(CONTRACT - present):
            problems.append(f"{language}: intent {intent} has no examples")
        for intent in sorted(present - CONTRACT):
            problems.append(f"{language}: intent {intent} is not in the contract")
        for intent in sorted(present & CONTRACT):
            if counts[(language, intent)] < MIN_PER_LANGUAGE:
                problems.append(f"{language}: {intent} has {counts[(language, intent)]} examples")
    for key, intents in labels.items():
        if len(intents) > 1:
            problems.append(f"same text under {sorted(intents)}: {key!r}")
    total = sum(counts.values())
    print(f"NLU data: {total} examples, {len(CONTRACT)} intents, 2 languages")
    for problem in problems:
        print(f"  problem: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
