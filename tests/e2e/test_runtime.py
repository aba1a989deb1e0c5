"""The live objects are on the application's typed runtime; bot_data holds JSON only."""

from __future__ import annotations

import json

from bot.container import Services
from bot.context import RounaqApp
from bot.state import runtime_of
from handlers import MENU


async def test_bot_data_holds_persisted_json_only(app: RounaqApp) -> None:
    runtime = runtime_of(app)
    assert isinstance(runtime.services, Services)
    assert runtime.menu == MENU
    assert runtime.start_hooks  # the digest, the warm-up, the API
    assert runtime.stop_hooks
    assert "adm_find" in runtime.prompt_handlers
    assert runtime.digest_runner is not None  # created by the digest's start hook
    json.dumps(dict(app.bot_data))  # nothing live: an engine or a function would not dump
