"""Per-intent precision/recall/F1 and macro-F1 per language from Rasa's cross-validation output.

Rasa writes every held-out prediction to intent_successes.json and intent_errors.json; the
language of each example is the file its text came from: nlu/fr/ or nlu/en/ for the
cross-validation, tests/nlu/holdout_fr.yml or holdout_en.yml for the held-out set.

Usage: nlu_report.py [RESULTS_DIR] [--holdout]
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")


def plain(text: str) -> str:
    return ANNOTATION.sub(lambda m: m.group(1) or m.group(2), text).strip()


def language_of_texts(holdout: bool = False) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for lang in ("fr", "en"):
        paths = (
            [ROOT / "tests" / "nlu" / f"holdout_{lang}.yml"]
            if holdout
            else sorted((ROOT / "nlu" / lang).glob("*.yml"))
        )
        for path in paths:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for block in data.get("nlu", []):
                for line in str(block.get("examples", "")).splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        mapping[plain(line[2:])] = lang
    return mapping


def prf(pairs: list[tuple[str, str]]) -> tuple[dict[str, tuple[float, float, float, int]], float]:
    intents = sorted({t for t, _ in pairs})
    scores = {}
    for intent in intents:
        tp = sum(1 for t, p in pairs if t == intent and p == intent)
        fp = sum(1 for t, p in pairs if t != intent and p == intent)
        fn = sum(1 for t, p in pairs if t == intent and p != intent)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[intent] = (precision, recall, f1, tp + fn)
    macro = sum(s[2] for s in scores.values()) / len(scores) if scores else 0.0
    return scores, macro


def main(out: Path, holdout: bool = False) -> int:
    languages = language_of_texts(holdout)
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    unknown = 0
    for name in ("intent_successes.json", "intent_errors.json"):
        for item in json.loads((out / name).read_text(encoding="utf-8")):
            lang = languages.get(item["text"].strip())
            if lang is None:
                unknown += 1
                continue
            predicted = (item.get("intent_prediction") or {}).get("name") or "None"
            by_lang[lang].append((item["intent"], predicted))
    summary = {}
    for lang in ("fr", "en"):
        scores, macro = prf(by_lang[lang])
        summary[lang] = macro
        print(f"\n=== {lang.upper()}: {len(by_lang[lang])} held-out examples ===")
        print(f"{'intent':<22}{'precision':>10}{'recall':>9}{'f1':>8}{'n':>6}")
        for intent, (p, r, f, n) in scores.items():
            print(f"{intent:<22}{p:>10.3f}{r:>9.3f}{f:>8.3f}{n:>6}")
        print(f"{'macro-F1':<22}{'':>19}{macro:>8.3f}")
    if unknown:
        print(f"\n({unknown} predictions could not be matched to a language file)")
    (out / "macro_f1.json").write_text(json.dumps(summary, indent=2))
    print(f"\nmacro-F1 — fr: {summary['fr']:.3f}  en: {summary['en']:.3f}  (target ≥ 0.90)")
    return 0


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--holdout"]
    sys.exit(
        main(
            Path(arguments[0]) if arguments else ROOT / "results" / "cross-validation",
            holdout="--holdout" in sys.argv[1:],
        )
    )
