"""The one settings object: every knob is an ``ECOUTE_*`` environment variable.

Defaults run the whole assistant on one machine (SQLite under ``var/``, Rasa on
localhost). A bad value stops the process at start with a sentence naming the
variable, instead of failing later in the middle of a conversation.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """Raised when the environment holds an unusable value; the message names the variable."""


class Settings(BaseSettings):
    """Typed view of the environment, read once per process by its composition root."""

    model_config = SettingsConfigDict(env_prefix="ECOUTE_", extra="ignore")

    environment: Literal["development", "production", "test"] = Field(
        "development", description="production refuses generated secrets and the demo page"
    )
    var_dir: Path = Field(PROJECT_ROOT / "var", description="runtime files: SQLite, secrets, logs")
    database_url: str = Field(
        "", description="SQLAlchemy URL; empty means SQLite at <var_dir>/ecoute.db"
    )
    rasa_url: str = Field("http://127.0.0.1:5005", description="Rasa server base URL")
    rasa_timeout_seconds: float = Field(15.0, gt=0, le=120)
    rasa_token: SecretStr | None = Field(
        None, description="Rasa HTTP API token (rasa run --auth-token); generated under var/ in dev"
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    public_url: str = Field("http://localhost:8000", description="base of debtor links")
    link_secret: SecretStr | None = Field(
        None, description="signs debtor links; generated under var/ in development if unset"
    )
    link_ttl_hours: int = Field(72, gt=0, le=24 * 60)
    pending_retry_seconds: float = Field(2.0, gt=0, le=300)
    session_secret: SecretStr | None = Field(
        None, description="signs console sessions; generated under var/ in development"
    )
    session_hours: int = Field(8, ge=1, le=24 * 7)
    agent_answer_seconds: int = Field(
        900, ge=1, description="after this, a waiting debtor is offered a callback or e-mail"
    )
    identity_max_attempts: int = Field(3, ge=1, le=10)
    identity_lock_hours: int = Field(24, ge=1)
    default_language: Literal["fr", "en"] = "fr"
    demo_page: bool = Field(False, description="serve the demo creditor page listing demo links")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    office_hours_fr: str = "du lundi au vendredi, de 9 h à 18 h"
    office_hours_en: str = "Monday to Friday, 9 am to 6 pm"
    telegram_token: SecretStr | None = Field(
        None, description="Bot API token from @BotFather; setting it enables the Telegram channel"
    )
    telegram_mode: Literal["polling", "webhook"] = Field(
        "polling", description="webhook: Telegram posts to <public_url>/telegram/webhook"
    )
    telegram_api_base_url: str = Field(
        "https://api.telegram.org",
        description="Bot API server root (a self-hosted telegram-bot-api, or the test server)",
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="X-Telegram-Bot-Api-Secret-Token; generated under var/ in development"
    )
    telegram_bot_username: str = Field(
        "", description="for t.me deep links; read from getMe if empty"
    )
    telegram_poll_timeout_seconds: int = Field(25, ge=0, le=50)
    attachment_max_bytes: int = Field(10 * 1024 * 1024, gt=0, le=50 * 1024 * 1024)
    scheduler_enabled: bool = Field(
        True, description="run the follow-up scheduler here (one process fires, others stand by)"
    )
    scheduler_reconcile_seconds: float = Field(
        60.0, gt=0, le=3600, description="how often the job store is aligned with the tables"
    )
    scheduler_horizon_hours: int = Field(
        48, ge=1, le=24 * 30, description="reminders due within this horizon get a job"
    )
    scheduler_misfire_grace_seconds: int = Field(
        6 * 3600, ge=60, description="a job late by more (process down) waits for reconcile"
    )
    scheduler_lease_seconds: float = Field(
        30.0, gt=1, le=600, description="SQLite leader lease; PostgreSQL uses an advisory lock"
    )
    payments_secret: SecretStr | None = Field(
        None, description="master secret; each creditor's webhook secret is derived from it"
    )
    smtp_host: str = Field("", description="SMTP server for e-mail reminders; empty: no e-mail")
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = Field("assistant@ecoute.invalid", description="From: of reminder e-mails")
    clock_start: datetime | None = Field(
        None,
        description="business clock of the scheduler starts at this aware instant and runs at "
        "wall speed (tests and demos; refused in production); empty = the real clock",
    )
    frozen_today: date | None = Field(
        None, description="pretend today is this date (tests and demos); empty = the real clock"
    )

    def clock(self) -> Callable[[], datetime]:
        """The scheduler's clock: the real one, or one shifted to ``clock_start``."""
        if self.clock_start is None:
            return lambda: datetime.now(timezone.utc)
        offset = self.clock_start - datetime.now(timezone.utc)
        return lambda: datetime.now(timezone.utc) + offset

    def today(self) -> date:
        """The business date, in UTC, unless frozen for a test or a demo."""
        return self.frozen_today or datetime.now(timezone.utc).date()

    @field_validator("clock_start")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must carry a UTC offset, e.g. 2026-03-10T09:00:00+00:00")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("rasa_url", "public_url", "telegram_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def resolved_database_url(self) -> str:
        """SQLAlchemy URL with the embedded default filled in."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{self.var_dir / 'ecoute.db'}"

    def link_secret_value(self) -> str:
        """The link-signing secret; in development one is generated once and kept in var/."""
        return self._secret(self.link_secret, "link-secret", "ECOUTE_LINK_SECRET")

    def rasa_token_value(self) -> str:
        """Guards Rasa's HTTP API (tracker events): the gateway and `rasa run` share it."""
        return self._secret(self.rasa_token, "rasa-token", "ECOUTE_RASA_TOKEN")

    def session_secret_value(self) -> str:
        """Signs the console's session cookie."""
        return self._secret(self.session_secret, "session-secret", "ECOUTE_SESSION_SECRET")

    def telegram_webhook_secret_value(self) -> str:
        """Telegram echoes it in a header on every webhook call; anything else is refused."""
        return self._secret(
            self.telegram_webhook_secret,
            "telegram-webhook-secret",
            "ECOUTE_TELEGRAM_WEBHOOK_SECRET",
        )

    def payments_secret_value(self) -> str:
        """Master secret of the payments webhook (per-creditor secrets derive from it)."""
        return self._secret(self.payments_secret, "payments-secret", "ECOUTE_PAYMENTS_SECRET")

    def _secret(self, value: SecretStr | None, filename: str, variable: str) -> str:
        if value is not None:
            return value.get_secret_value()
        if self.environment == "production":
            raise SettingsError(f"{variable} must be set in production")
        path = self.var_dir / filename
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - in a secret token.
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def load_settings() -> Settings:
    """Read the environment, turning pydantic's report into one clear sentence per bad variable."""
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"ECOUTE_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from None
    if settings.environment == "production" and settings.demo_page:
        raise SettingsError("ECOUTE_DEMO_PAGE cannot be enabled in production")
    if settings.environment == "production" and settings.clock_start is not None:
        raise SettingsError("ECOUTE_CLOCK_START cannot be set in production")
    return settings
