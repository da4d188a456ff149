"""Settings fail fast with a sentence naming the variable."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_use_sqlite_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECOUTE_DATABASE_URL", raising=False)
    settings = load_settings()
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_database_url.endswith("var/ecoute.db")
    assert settings.port == 8000


def test_postgres_url_selects_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOUTE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    assert load_settings().resolved_database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("ECOUTE_PORT", "eighty", "ECOUTE_PORT"),
        ("ECOUTE_DATABASE_URL", "mysql://x", "ECOUTE_DATABASE_URL"),
        ("ECOUTE_RASA_URL", "localhost:5005", "ECOUTE_RASA_URL"),
        ("ECOUTE_LINK_TTL_HOURS", "0", "ECOUTE_LINK_TTL_HOURS"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=fragment):
        load_settings()


def test_production_refuses_a_generated_link_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOUTE_ENVIRONMENT", "production")
    monkeypatch.delenv("ECOUTE_LINK_SECRET", raising=False)
    with pytest.raises(SettingsError, match="ECOUTE_LINK_SECRET"):
        load_settings().link_secret_value()
