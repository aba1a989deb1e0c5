"""What a digest is made of: recipients, sections, and the registry of section providers.

A section provider says which roles it serves and builds its section for one recipient and
one day, or returns None when it has nothing to say. Adding a section to the digest (HQ
decisions, program updates, loans...) is writing a provider and adding it to the registry
in ``bot.digest.sections.default_registry``; nothing else changes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Protocol, TypeVar
from zoneinfo import ZoneInfo

from bot.access import Principal
from bot.formatting import Presenter, split_message, telegram_length
from bot.i18n import Translator, get_translator
from storage.models import Role
from storage.models_digest import ChatKind

MESSAGE_LIMIT = 4096
# Section keys travel in callback data ("dg:s:<key>") and in a comma-separated column.
MAX_KEY_LENGTH = 16
MAX_BUTTONS_PER_SECTION = 3
# Who sees province-wide figures: the roles with read access to the whole province (a
# ministry official who subscribes to a province's bot gets that province's digest).
PROVINCE_ROLES = frozenset({Role.OFFICIAL, Role.SECRETARIAT, Role.ADMIN, Role.MINISTRY})
TOP_LINES = 6  # categories, agencies, reports or decisions listed in one section

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Recipient:
    """A chat that gets a digest, as the sections see it."""

    chat_id: int
    kind: ChatKind
    lang: str
    principal: Principal
    tz: ZoneInfo
    muted: frozenset[str] = frozenset()

    @property
    def tr(self) -> Translator:
        return get_translator(self.lang)

    @property
    def fmt(self) -> Presenter:
        return Presenter(lang=self.lang, tz=self.tz)


@dataclass(frozen=True, slots=True)
class DigestDay:
    """The digest's day and the period it reports on: [start, end), in UTC.

    `start` is the start of the previous digest day, so a Saturday digest covers Thursday
    and Friday; `now` is when the figures were taken (what is overdue "now").
    """

    day: date
    start: datetime
    end: datetime
    now: datetime


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str


def detail_buttons(items: Sequence[T], button: Callable[[T], Button]) -> tuple[Button, ...]:
    """The detail buttons of a section's first items (MAX_BUTTONS_PER_SECTION at most):
    the rest are in its lines only."""
    return tuple(button(item) for item in items[:MAX_BUTTONS_PER_SECTION])


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str  # HTML, already localised
    lines: tuple[str, ...]
    buttons: tuple[Button, ...] = ()

    def text(self) -> str:
        return "\n".join((f"<b>{self.title}</b>", *self.lines))


class SectionProvider(Protocol):
    """One part of the digest. `key` is short and stable ([a-z_]): subscribers mute by it."""

    @property
    def key(self) -> str: ...

    @property
    def title_key(self) -> str:
        """The catalog key of the section's name (its title and its settings toggle)."""
        ...

    @property
    def roles(self) -> frozenset[Role]:
        """Recipients holding any of these roles get the section."""
        ...

    def scope(self, recipient: Recipient) -> Hashable | None:
        """Recipients with equal scopes get the same section (built once per run);
        None when the section is personal."""
        ...

    async def build(self, recipient: Recipient, day: DigestDay) -> Section | None: ...


class Titled:
    """A provider's section under its own key and title, both declared with the class:
    `class LoansSection(SharedByLanguage, key="loans", title_key="...")`. `roles` defaults
    to the province-wide ones. A base without a key (SharedByLanguage) declares nothing."""

    key: ClassVar[str]
    title_key: ClassVar[str]
    roles: ClassVar[frozenset[Role]]

    def __init_subclass__(
        cls,
        *,
        key: str | None = None,
        title_key: str | None = None,
        roles: frozenset[Role] = PROVINCE_ROLES,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if key is None:
            return
        if title_key is None:
            raise TypeError(f"{cls.__name__}: a section with a key needs its title_key")
        cls.key, cls.title_key, cls.roles = key, title_key, roles

    def section(
        self, recipient: Recipient, lines: Iterable[str], buttons: Iterable[Button] = ()
    ) -> Section:
        return Section(self.key, recipient.tr.t(self.title_key), tuple(lines), tuple(buttons))


class SharedByLanguage(Titled):
    """For providers whose section is the same for everyone in a language (the province's
    figures): built once per language and run."""

    def scope(self, recipient: Recipient) -> Hashable | None:
        return recipient.lang


class SharedByAgencies(Titled):
    """For officers' sections: the same for everyone of the same agencies and language."""

    def scope(self, recipient: Recipient) -> Hashable | None:
        return (recipient.lang, tuple(sorted(recipient.principal.agency_ids)))


class SectionRegistry:
    """The providers, in the order their sections appear."""

    def __init__(self, providers: Iterable[SectionProvider] = ()) -> None:
        self._providers: list[SectionProvider] = []
        for provider in providers:
            self.add(provider)

    def add(self, provider: SectionProvider) -> None:
        key = provider.key
        if not key or len(key) > MAX_KEY_LENGTH or not key.replace("_", "").isalnum():
            raise ValueError(f"section key {key!r}: 1-{MAX_KEY_LENGTH} of [a-z0-9_]")
        if any(p.key == key for p in self._providers):
            raise ValueError(f"section {key!r} is already registered")
        self._providers.append(provider)

    @property
    def providers(self) -> tuple[SectionProvider, ...]:
        return tuple(self._providers)

    def get(self, key: str) -> SectionProvider | None:
        return next((p for p in self._providers if p.key == key), None)

    def for_principal(self, principal: Principal) -> list[SectionProvider]:
        """The sections this principal's roles entitle them to (muted ones included)."""
        return [p for p in self._providers if p.roles & principal.roles]


@dataclass
class DigestBuilder:
    """Builds the sections of one digest day; a shared section is built once per scope.

    Broadcast workers build concurrently; a lock per scope makes the second worker wait
    for the first one's result instead of running the same queries again.
    """

    registry: SectionRegistry
    day: DigestDay
    _cache: dict[tuple[str, Hashable], Section | None] = field(default_factory=dict)
    _locks: dict[tuple[str, Hashable], asyncio.Lock] = field(default_factory=dict)

    async def sections(self, recipient: Recipient) -> list[Section]:
        built: list[Section] = []
        for provider in self.registry.for_principal(recipient.principal):
            if provider.key in recipient.muted:
                continue
            section = await self._build(provider, recipient)
            if section is not None and section.lines:
                built.append(section)
        return built

    async def _build(self, provider: SectionProvider, recipient: Recipient) -> Section | None:
        scope = provider.scope(recipient)
        if scope is None:
            return await provider.build(recipient, self.day)
        key = (provider.key, scope)
        if key in self._cache:
            return self._cache[key]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._cache:
                self._cache[key] = await provider.build(recipient, self.day)
        return self._cache[key]


# ------------------------------------------------------------------------ rendering


@dataclass(frozen=True, slots=True)
class Part:
    """One message of a digest: HTML text and its buttons (one per row)."""

    text: str
    buttons: tuple[Button, ...] = ()


def render(header: str, sections: Sequence[Section], limit: int = MESSAGE_LIMIT) -> list[Part]:
    """The digest as messages under `limit`, cut only between sections when possible.

    Sections are packed greedily; a section too long for one message on its own is split
    by `split_message` (at blank lines, else line breaks). A section's buttons go with the
    message that ends it. No sections, no messages: an empty digest is not sent.
    """
    if not sections:
        return []
    parts: list[Part] = []
    text, buttons = header, list[Button]()
    for section in sections:
        block = section.text()
        candidate = f"{text}\n\n{block}" if text else block
        if telegram_length(candidate) <= limit:
            text = candidate
            buttons.extend(section.buttons)
            continue
        if text:
            parts.append(Part(text, tuple(buttons)))
            text, buttons = "", []
        if telegram_length(block) <= limit:
            text, buttons = block, list(section.buttons)
            continue
        chunks = split_message(block, limit)
        parts.extend(Part(chunk) for chunk in chunks[:-1])
        text, buttons = chunks[-1], list(section.buttons)
    if text:
        parts.append(Part(text, tuple(buttons)))
    return parts


def encode_parts(parts: Sequence[Part]) -> str:
    return json.dumps(
        [{"text": p.text, "buttons": [[b.label, b.data] for b in p.buttons]} for p in parts],
        ensure_ascii=False,
    )


def decode_parts(payload: str) -> list[Part]:
    return [
        Part(item["text"], tuple(Button(label, data) for label, data in item["buttons"]))
        for item in json.loads(payload)
    ]
