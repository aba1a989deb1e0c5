"""compose.yaml and .env.example name only real settings, so they cannot drift from
bot/settings.py: a renamed or removed setting fails here, not on a production host."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no types; types-PyYAML is not a dev dependency

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {name.upper() for name in Settings.model_fields}
# `${NAME}`, `${NAME:?message}`, `${NAME:-default}`: what compose takes from .env.
INTERPOLATED = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)")


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):  # the `- NAME=value` form
        return dict(item.partition("=")[::2] for item in env)
    return {str(key): str(value) for key, value in env.items()}


def _env_example_names() -> set[str]:
    """Every NAME in .env.example, set (`NAME=`) or offered commented out (`# NAME=`)."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_every_variable_compose_sets_for_the_bot_is_a_setting() -> None:
    bot = _compose()["services"]["bot"]
    names = set(_environment(bot))
    assert names, "the bot service sets no environment"
    assert names <= SETTINGS, f"not settings: {sorted(names - SETTINGS)}"


def test_env_example_names_only_settings_and_compose_variables() -> None:
    compose_vars = set(INTERPOLATED.findall((ROOT / "compose.yaml").read_text(encoding="utf-8")))
    names = _env_example_names()
    unknown = names - SETTINGS - compose_vars
    assert not unknown, f".env.example names what nothing reads: {sorted(unknown)}"
    # ...and documents every variable compose.yaml needs from .env.
    assert compose_vars <= names, f"undocumented: {sorted(compose_vars - names)}"


def test_postgres_16_keeps_its_data_and_the_bot_waits_until_it_is_healthy() -> None:
    compose = _compose()
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:16")
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "the data must live in a named volume"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    bot = compose["services"]["bot"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["env_file"] == ".env"
    assert _environment(bot)["DATABASE_URL"].startswith("postgresql+asyncpg://")
