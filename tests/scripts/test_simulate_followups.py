"""The simulated year at a small size: the real planning and guard code commits no
violation, and the independent checker does see violations when the guard is switched off."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import simulate_followups

from bot.domain import compliance


def test_a_simulated_year_has_no_violation() -> None:
    assert simulate_followups.simulate(150, seed=11) == {}


def test_the_checker_sees_violations_without_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compliance, "decide", lambda *args, **kwargs: compliance.allow())
    violations = simulate_followups.simulate(150, seed=11)
    assert violations["outside allowed hours or days"] > 0
    assert sum(violations.values()) > violations["outside allowed hours or days"]
