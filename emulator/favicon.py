"""The demo page's icon, drawn in code: a 32x32 PNG in an ICO container (no binary in git).

A blue disc with a white speech-bubble dot, the page's accent colour; browsers ask for
/favicon.ico on every page, and a 404 there was noise in every console.
"""

from __future__ import annotations

import functools
import struct
import zlib

SIDE = 32
_ACCENT = (0x2A, 0x7A, 0xB0, 0xFF)
_WHITE = (0xFF, 0xFF, 0xFF, 0xFF)
_CLEAR = (0, 0, 0, 0)


def _pixel(x: int, y: int) -> tuple[int, int, int, int]:
    centre = (SIDE - 1) / 2
    distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
    if distance > SIDE / 2:
        return _CLEAR
    bubble = ((x - centre) ** 2 / 81 + (y - centre + 1) ** 2 / 49) <= 1
    tail = 9 <= x <= 13 and 19 <= y <= 24 and x - 9 <= 24 - y
    return _WHITE if bubble or tail else _ACCENT


def _png() -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(_pixel(x, y)) for x in range(SIDE)) for y in range(SIDE)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


@functools.cache
def favicon_ico() -> bytes:
    """An ICO file holding one PNG image (allowed since Windows Vista; every browser)."""
    png = _png()
    directory = struct.pack("<HHH", 0, 1, 1)  # reserved, type 1 = icon, one image
    entry = struct.pack("<BBBBHHII", SIDE, SIDE, 0, 0, 1, 32, len(png), 6 + 16)
    return directory + entry + png
