"""The key programs' button kinds that other features put on their messages: opening a
program (/status' `pg:o:<number>`, in the digest's program lines too). The handler is
handlers/programs/status.py, which checks the presser's access on every press."""

from __future__ import annotations

from bot.callback_data import CallbackData


class OpenButton(CallbackData, prefix="pg:o"):
    number: int
