"""Message catalogs: ``locales/<lang>/<feature>.toml``, one ``Translator`` per language.

A key is ``<feature>.<dotted path>``: ``[menu] start = "..."`` in ``locales/fa/common.toml``
is ``common.menu.start``. A table whose keys are all CLDR plural categories (zero, one,
two, few, many, other), ``other`` included, is one plural message. Placeholders are
``{name}``: no positional fields, format specs, conversions or attribute access; numbers
are formatted by the language's ``Presenter`` before they are put in.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Final, TypeAlias

import locales
from bot.formatting import (
    LANGUAGES,
    RTL_LANGUAGES,
    format_number,
    isolate_ltr_runs,
    plural_rule,
)

__all__ = [
    "DEFAULT_ROOT",
    "PLURAL_CATEGORIES",
    "CatalogError",
    "Catalogs",
    "Message",
    "PluralMessage",
    "Translator",
    "default_catalogs",
    "get_translator",
    "is_plural",
    "languages",
    "load_catalogs",
    "placeholders",
]

log = logging.getLogger(__name__)

# The catalogs ship as package data of `locales`, so an installed wheel finds them too.
DEFAULT_ROOT: Final = Path(locales.__file__).resolve().parent
PLURAL_CATEGORIES: Final = frozenset({"zero", "one", "two", "few", "many", "other"})
STRICT_ENV: Final = "ROUNAQ_I18N_STRICT"

PluralMessage: TypeAlias = Mapping[str, str]
Message: TypeAlias = str | PluralMessage

_LANG_DIR_RE: Final = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
_IDENTIFIER_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FORMATTER: Final = string.Formatter()


class CatalogError(ValueError):
    """A catalog file that cannot be used as it is."""


def _string_placeholders(text: str, where: str) -> set[str]:
    names: set[str] = set()
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError as exc:  # unbalanced braces
        raise CatalogError(f"{where}: {exc}") from exc
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _IDENTIFIER_RE.fullmatch(name) or spec or conversion:
            raise CatalogError(
                f"{where}: placeholder {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}} must be a plain {{name}}"
            )
        names.add(name)
    return names


def placeholders(message: Message) -> set[str]:
    """The ``{name}`` placeholders of a message; for a plural one, of all its forms."""
    if isinstance(message, str):
        return _string_placeholders(message, "message")
    return set().union(*(_string_placeholders(form, "message") for form in message.values()))


def is_plural(message: Message) -> bool:
    return not isinstance(message, str)


def _flatten(table: Mapping[str, object], prefix: str, where: Path) -> dict[str, Message]:
    out: dict[str, Message] = {}
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, str):
            _string_placeholders(value, f"{where}: {key}")
            out[key] = value
        elif isinstance(value, dict):
            if value and value.keys() <= PLURAL_CATEGORIES:
                if "other" not in value:
                    raise CatalogError(f"{where}: plural message {key} has no 'other' form")
                forms: dict[str, str] = {}
                for category, form in value.items():
                    if not isinstance(form, str):
                        raise CatalogError(f"{where}: {key}.{category} must be a string")
                    _string_placeholders(form, f"{where}: {key}.{category}")
                    forms[category] = form
                out[key] = MappingProxyType(forms)
            else:
                out.update(_flatten(value, key, where))
        else:
            raise CatalogError(f"{where}: {key} must be a string or a table")
    return out


def load_catalogs(root: Path) -> dict[str, dict[str, Message]]:
    """Every ``<root>/<lang>/<feature>.toml``, flattened: ``{lang: {key: message}}``."""
    catalogs: dict[str, dict[str, Message]] = {}
    for lang_dir in sorted(root.iterdir()):
        if not lang_dir.is_dir() or not _LANG_DIR_RE.fullmatch(lang_dir.name):
            continue
        messages: dict[str, Message] = {}
        for path in sorted(lang_dir.glob("*.toml")):
            try:
                with path.open("rb") as f:
                    data = tomllib.load(f)
            except tomllib.TOMLDecodeError as exc:
                raise CatalogError(f"{path}: {exc}") from exc
            messages.update(_flatten(data, path.stem, path))
        catalogs[lang_dir.name] = messages
    return catalogs


def _order(langs: Iterable[str]) -> list[str]:
    # fa first, then the rest in a stable order.
    return sorted(langs, key=lambda lang: (lang != "fa", lang))


def _isolated(messages: Mapping[str, Message]) -> Mapping[str, Message]:
    out: dict[str, Message] = {}
    for key, message in messages.items():
        if isinstance(message, str):
            out[key] = isolate_ltr_runs(message)
        else:
            out[key] = MappingProxyType({c: isolate_ltr_runs(f) for c, f in message.items()})
    return MappingProxyType(out)


@dataclass(frozen=True, eq=False)
class Translator:
    """Messages of one language. Immutable except for the note of missing keys logged."""

    lang: str
    messages: Mapping[str, Message]
    strict: bool = False
    _reported: set[str] = field(init=False, repr=False, default_factory=set)

    def __post_init__(self) -> None:
        if self.lang in RTL_LANGUAGES:
            # Commands and Latin words in a Persian message are isolated once, here, so
            # "/report" does not show as "report/"; values are isolated by the Presenter.
            object.__setattr__(self, "messages", _isolated(self.messages))

    def _missing(self, key: str, problem: str) -> str:
        if self.strict:
            raise KeyError(f"{self.lang}: {problem}: {key!r}")
        if key not in self._reported:
            self._reported.add(key)
            log.error("i18n %s: %s: %r", self.lang, problem, key)
        return key

    def _format(self, key: str, template: str, values: Mapping[str, object]) -> str:
        localised = {name: self._localise(value) for name, value in values.items()}
        try:
            return template.format_map(localised)
        except KeyError as exc:
            raise KeyError(f"{self.lang}: {key!r} needs placeholder {exc.args[0]!r}") from None

    def _localise(self, value: object) -> object:
        # Numbers get the language's digits and grouping; pass ids and years as
        # presenter.plain_int(...) strings. bool is an int but not a number here.
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return format_number(self.lang, value)
        if isinstance(value, float | Decimal):
            return format_number(self.lang, value, 2)
        return value

    def t(self, key: str, /, **kwargs: object) -> str:
        """The message ``key`` with ``{name}`` placeholders filled from ``kwargs``.

        A missing key raises ``KeyError`` when ``strict``, else logs once and returns the
        key. A missing placeholder value always raises ``KeyError``.
        """
        message = self.messages.get(key)
        if message is None:
            return self._missing(key, "missing key")
        if not isinstance(message, str):
            self._missing(key, "plural message used with t(), not plural()")
            message = message["other"]
        return self._format(key, message, kwargs)

    def plural(self, key: str, n: int, /, **kwargs: object) -> str:
        """The form of plural message ``key`` for ``n``; ``{n}`` is ``n`` localised
        (a ``n=`` keyword overrides it, e.g. to pass ``presenter.plain_int(n)``)."""
        message = self.messages.get(key)
        if message is None:
            return self._missing(key, "missing key")
        if isinstance(message, str):
            self._missing(key, "plain message used with plural(), not t()")
            template = message
        else:
            category = plural_rule(self.lang)(abs(n))
            template = message.get(category, message["other"])
        return self._format(key, template, {"n": n, **kwargs})

    def has(self, key: str) -> bool:
        return key in self.messages


@dataclass(frozen=True, eq=False)
class Catalogs:
    """All languages' translators, loaded once from ``root``."""

    translators: Mapping[str, Translator]

    @classmethod
    def load(cls, root: Path = DEFAULT_ROOT, *, strict: bool = False) -> Catalogs:
        loaded = load_catalogs(root)
        unknown = set(loaded) - set(LANGUAGES)
        if unknown:
            raise CatalogError(f"{root}: no Presenter for languages {sorted(unknown)}")
        if not loaded:
            raise CatalogError(f"{root}: no catalogs")
        translators = {
            lang: Translator(lang, MappingProxyType(loaded[lang]), strict)
            for lang in _order(loaded)
        }
        return cls(MappingProxyType(translators))

    def languages(self) -> list[str]:
        """Available languages, fa first."""
        return list(self.translators)

    def translator(self, lang: str) -> Translator:
        """The translator for ``lang``; ``KeyError`` for a language with no catalog."""
        return self.translators[lang]


@functools.cache
def default_catalogs() -> Catalogs:
    """The package's ``locales/``, loaded on first use. Strict (missing keys raise) when
    the environment variable ``ROUNAQ_I18N_STRICT`` is 1/true/yes, as tests should set."""
    strict = os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes"}
    return Catalogs.load(DEFAULT_ROOT, strict=strict)


def get_translator(lang: str) -> Translator:
    """The cached translator for ``lang`` from the package's catalogs."""
    return default_catalogs().translator(lang)


def languages() -> list[str]:
    """Languages the package has catalogs for, fa first."""
    return default_catalogs().languages()


@functools.cache
def _keys_by_text(lang: str) -> Mapping[str, str]:
    """Each fixed message of `lang` (one with no values to fill) by its text."""
    found: dict[str, str] = {}
    for key, message in get_translator(lang).messages.items():
        if isinstance(message, str) and "{" not in message:
            found.setdefault(message, key)
    return MappingProxyType(found)


def relabel(text: str, lang: str) -> str:
    """A fixed label (a button's, from a catalog) said again in `lang`; other text as it is.

    Buttons remembered for a later re-prompt keep the words they were shown with: after the
    person switches language mid-flow, the re-prompt speaks the new one, so must its buttons.
    """
    for other in languages():
        key = _keys_by_text(other).get(text) if other != lang else None
        if key is not None and get_translator(lang).has(key):
            return get_translator(lang).t(key)
    return text
