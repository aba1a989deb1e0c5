"""Shared constants and builders for the emulator tests."""

from __future__ import annotations

import struct
import zlib

from telegram.ext import Application, ApplicationBuilder

from emulator import BotApiEmulator

TOKEN = "123456:TEST-token"
ALI = 1001
SARA = 1002


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A valid PNG, so the emulator's image check accepts it like Telegram would."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def build_app(emu: BotApiEmulator) -> Application:  # type: ignore[type-arg]
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
