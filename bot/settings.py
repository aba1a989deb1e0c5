"""Typed configuration, read once at start-up from the environment or `.env`."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.db import DEFAULT_DATABASE_URL

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
TELEGRAM_API_FILE_URL = "https://api.telegram.org/file/bot"


class PlatformName(StrEnum):
    """Which messenger the Bot API belongs to; decides formatting and optional calls."""

    TELEGRAM = "telegram"
    BALE = "bale"
    EMULATOR = "emulator"


class HttpClient(StrEnum):
    """The Bot API's HTTP client (bot.http); aiohttp measured faster (docs/benchmarks.md)."""

    AIOHTTP = "aiohttp"
    HTTPX = "httpx"


class Settings(BaseSettings):
    """Operator-facing settings; the names are part of the deployment contract."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_base_url: str = TELEGRAM_API_BASE_URL
    bot_api_file_url: str = TELEGRAM_API_FILE_URL
    # Empty means "guess from the base URL" (tapi.bale.ai means Bale).
    platform: PlatformName | None = None
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Asia/Tehran"
    default_language: str = "fa"
    province: str = Field(
        default="qom", description="Data set name under storage/datasets or a path"
    )
    sqlite_busy_timeout_ms: int = 5000
    demo_host: str = "127.0.0.1"
    demo_port: int = 8080
    # The Open311 API and the dashboard (bot.api): served when API_PORT is set.
    api_port: int | None = None
    api_listen: str = "127.0.0.1"
    # A new API key's limits unless /apikeys names others: requests a minute, reports a day.
    api_per_minute: int = 60
    api_per_day: int = 200
    # Web pages allowed to call the API from a browser (CORS), as origins:
    # "https://portal.example.ir". Empty: none (a preflight is told only what the
    # address allows).
    api_cors_origins: Annotated[frozenset[str], NoDecode] = frozenset()
    # Where `rounaq demo` keeps its emulator (chats, update ids) between runs; empty means
    # beside the SQLite file, or ./data with PostgreSQL.
    demo_data_dir: Path | None = None
    # The bot's own log level; libraries (alembic, apscheduler, httpx, telegram.ext) log
    # warnings only, unless this is DEBUG (bot/cli.py configure_logging).
    log_level: str = "INFO"
    # Abuse limits: how many reports one owner may submit per day, and updates per minute.
    max_reports_per_day: int = 10
    max_updates_per_minute: int = 40
    max_upload_bytes: int = 10 * 1024 * 1024
    # Working days: weekday names or numbers (Monday=0); holidays as Jalali (1405/01/01) or
    # ISO Gregorian (2026-03-21) dates, comma-separated. Holidays are data, not a formula.
    weekend_days: Annotated[frozenset[int], NoDecode] = frozenset({4})
    holidays: Annotated[frozenset[date], NoDecode] = frozenset()
    # Overdue reports go to the HQ this many working days after their deadline.
    escalation_grace_days: int = Field(default=3, ge=0, le=60)
    # An agency may object to an HQ decision within this many days.
    objection_days: int = Field(default=15, ge=1, le=90)
    deadline_check_minutes: int = Field(default=15, ge=1, le=1440)
    # The daily digest (bot/digest): when it goes out in `timezone`, on which days, how fast.
    digest_time: str = "08:00"
    digest_working_days_only: bool = True
    # Telegram allows about 30 messages a second; a little under it leaves no 429s.
    digest_rate_per_second: float = 29.0
    digest_retry_base_seconds: float = 1.0
    digest_max_attempts: int = 5
    # Compute /stats' and /loans' figures in the background at start-up, so the first
    # official to ask does not wait for the aggregation (seconds on a large province).
    warm_figures_on_start: bool = True
    # Seconds to wait for the Bot API's answer to a request (long polls wait longer).
    bot_api_timeout: float = 15.0
    # The HTTP client for Bot API calls and its connection pool size (bot.http).
    http_client: HttpClient = HttpClient.AIOHTTP
    http_pool_size: int = Field(default=64, ge=1, le=1024)
    # Updates handled at once (different users; one user's are always one after another).
    max_concurrent_updates: int = 256
    # Webhook mode (`rounaq run --webhook`): Telegram posts to WEBHOOK_URL (https, behind a
    # reverse proxy) which forwards to WEBHOOK_LISTEN:WEBHOOK_PORT; the secret is checked on
    # every request (Telegram's X-Telegram-Bot-Api-Secret-Token; Bale has none).
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = None
    # Bot-wide cap on outgoing messages per second (Telegram's ~30/s); 0 turns it off.
    max_messages_per_second: int = 30

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return frozenset(int(p) for p in parts if p)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("api_cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        items = _listed(value)
        # An origin has no trailing slash ("https://portal.example.ir").
        return value if items is None else frozenset(str(v).strip().rstrip("/") for v in items)

    @field_validator("weekend_days", mode="before")
    @classmethod
    def _parse_weekend(cls, value: object) -> object:
        from bot.services.calendar import parse_weekend

        items = _listed(value)
        if items is None:
            return value
        return parse_weekend(int(v) if str(v).strip().isdigit() else str(v) for v in items)

    @field_validator("holidays", mode="before")
    @classmethod
    def _parse_holidays(cls, value: object) -> object:
        items = _listed(value)
        return value if items is None else frozenset(_holiday(v) for v in items)

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone, at start-up rather than at the first date
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in {"fa", "en"}:
            raise ValueError("DEFAULT_LANGUAGE must be 'fa' or 'en'")
        return value

    @field_validator("digest_time")
    @classmethod
    def _valid_digest_time(cls, value: str) -> str:
        hours, sep, minutes = value.strip().partition(":")
        if not (sep and hours.isdigit() and minutes.isdigit()):
            raise ValueError("DIGEST_TIME must be HH:MM")
        if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
            raise ValueError("DIGEST_TIME must be a time of day")
        return f"{int(hours):02d}:{int(minutes):02d}"

    @field_validator("digest_rate_per_second")
    @classmethod
    def _positive_rate(cls, value: float) -> float:
        if not 0 < value <= 30:
            raise ValueError("DIGEST_RATE_PER_SECOND must be in (0, 30]")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _valid_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https_webhook(cls, value: str | None) -> str | None:
        if value and not value.startswith("https://"):
            raise ValueError("WEBHOOK_URL must be an https:// URL (Telegram requires TLS)")
        return value or None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None

    @property
    def resolved_platform(self) -> PlatformName:
        if self.platform is not None:
            return self.platform
        if "bale.ai" in self.bot_api_base_url:
            return PlatformName.BALE
        if self.bot_api_base_url.startswith(("http://127.", "http://localhost")):
            return PlatformName.EMULATOR
        return PlatformName.TELEGRAM


def _listed(value: object) -> list[Any] | None:
    """The items of a list setting, from an env string ("a, b; c") or a sequence;
    None for any other value, which pydantic then refuses with its own message."""
    if isinstance(value, str):
        return [p for p in value.replace(";", ",").split(",") if p.strip()]
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return None


def _holiday(value: object) -> date:
    """A holiday: a date, an ISO Gregorian date, or a Jalali date as users write it."""
    if isinstance(value, date):
        return value
    from bot.text import parse_jalali_date

    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    jalali = parse_jalali_date(text)
    if jalali is None:
        raise ValueError(f"not a date: {text!r} (use 1405/01/01 or 2026-03-21)")
    gregorian: date = jalali.togregorian()
    return gregorian
