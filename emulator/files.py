"""In-memory file storage: what getFile and the download URL serve."""

from __future__ import annotations

import hashlib
import mimetypes
import secrets
import struct
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from .models import StoredFile

_EXTENSIONS = {"photo": "jpg", "voice": "oga", "sticker": "webp"}
_PHOTO_SIDES = (90, 320, 800)  # Telegram's s/m/x thumbnails; the original comes last


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or BMP, read from its header; None otherwise.

    Telegram refuses a photo it cannot decode, so the emulator must recognise real images.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(int(width)), abs(int(height))
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + int(length)
    return None


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        # Every size of one photo, keyed by any of its file_ids, to re-send it by file_id.
        self._photo_sets: dict[str, list[StoredFile]] = {}
        self._counter = 0

    def _new(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int = 0,
        height: int = 0,
    ) -> StoredFile:
        self._counter += 1
        ext = _EXTENSIONS.get(kind)
        if ext is None:
            ext = (file_name or "").rpartition(".")[2] if file_name and "." in file_name else "bin"
        folder = {"photo": "photos", "voice": "voice", "sticker": "stickers"}.get(kind, "documents")
        stored = StoredFile(
            file_id=f"{kind[:2].upper()}AC{self._counter:06d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"AQAD{self._counter:06d}",
            data=data,
            kind=kind,
            file_path=f"{folder}/file_{self._counter}.{ext}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def add_photo(self, data: bytes, size: tuple[int, int]) -> list[StoredFile]:
        """Store a photo as Telegram does: thumbnails plus the original, smallest first.

        The thumbnails share the original bytes; only their advertised sizes differ.
        """
        width, height = size
        longest = max(width, height, 1)
        sizes: list[StoredFile] = []
        for side in _PHOTO_SIDES:
            if side < longest:
                scale = side / longest
                sizes.append(
                    self._new(
                        "photo", data, width=round(width * scale), height=round(height * scale)
                    )
                )
        sizes.append(self._new("photo", data, width=width, height=height))
        for stored in sizes:
            self._photo_sets[stored.file_id] = sizes
        return sizes

    def add_document(self, data: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        return self._new("document", data, file_name=file_name, mime_type=mime_type)

    def add_other(self, kind: str, data: bytes, mime_type: str | None = None) -> StoredFile:
        return self._new(kind, data, mime_type=mime_type)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def photo_set(self, file_id: str) -> list[StoredFile] | None:
        return self._photo_sets.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    # --- saving (emulator/persist.py) ------------------------------------------------

    def dump(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        """Every file's metadata, and the distinct contents by SHA-256 (thumbnails share)."""
        blobs: dict[str, bytes] = {}
        files = []
        for stored in self._by_id.values():
            digest = hashlib.sha256(stored.data).hexdigest()
            blobs[digest] = stored.data
            meta = asdict(stored)
            del meta["data"]
            files.append({**meta, "blob": digest})
        sets = {id(group): [f.file_id for f in group] for group in self._photo_sets.values()}
        return {"counter": self._counter, "files": files, "photo_sets": list(sets.values())}, blobs

    def restore(self, saved: dict[str, Any], read_blob: Callable[[str], bytes | None]) -> None:
        for meta in saved.get("files", []):
            fields = {k: v for k, v in meta.items() if k != "blob"}
            data = read_blob(str(meta["blob"]))
            if data is None:
                continue  # a lost file: its message still shows, without the picture
            stored = StoredFile(**fields, data=data)
            self._by_id[stored.file_id] = stored
            self._by_path[stored.file_path] = stored
        for ids in saved.get("photo_sets", []):
            group = [self._by_id[i] for i in ids if i in self._by_id]
            for stored in group:
                self._photo_sets[stored.file_id] = group
        self._counter = max(self._counter, int(saved.get("counter", 0)))
