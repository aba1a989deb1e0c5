"""Typed configuration, read once at start-up from the environment or `.env`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
TELEGRAM_API_FILE_URL = "https://api.telegram.org/file/bot"
DEFAULT_SQLITE_PATH = Path("data") / "rounaq.sqlite3"


class PlatformName(StrEnum):
    """Which messenger the Bot API belongs to; decides formatting and optional calls."""

    TELEGRAM = "telegram"
    BALE = "bale"
    EMULATOR = "emulator"


class Settings(BaseSettings):
    """Operator-facing settings; the names are part of the deployment contract."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_base_url: str = TELEGRAM_API_BASE_URL
    bot_api_file_url: str = TELEGRAM_API_FILE_URL
    # Empty means "guess from the base URL" (tapi.bale.ai means Bale).
    platform: PlatformName | None = None
    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Asia/Tehran"
    default_language: str = "fa"
    province: str = Field(
        default="qom", description="Data set name under storage/datasets or a path"
    )
    sqlite_busy_timeout_ms: int = 5000
    demo_host: str = "127.0.0.1"
    demo_port: int = 8080
    # Abuse limits: how many reports one owner may submit per day, and updates per minute.
    max_reports_per_day: int = 10
    max_updates_per_minute: int = 40
    max_upload_bytes: int = 10 * 1024 * 1024
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

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone, at start-up rather than at the first date
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in {"fa", "en"}:
            raise ValueError("DEFAULT_LANGUAGE must be 'fa' or 'en'")
        return value

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
