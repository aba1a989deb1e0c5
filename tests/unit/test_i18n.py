"""bot.i18n: catalogs, translators, and the parity of catalogs with each other and the code.

The parity tests read whatever exists when they run: every ``locales/<lang>/*.toml`` and
every ``t("...")`` / ``tr("...")`` / ``.plural("...")`` call with a literal key in the
project's packages. Keys built at run time (f-strings) cannot be checked here; the module
that builds them should test its own keys.
"""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel import Locale

from bot.formatting import Presenter
from bot.i18n import (
    DEFAULT_ROOT,
    CatalogError,
    Catalogs,
    Message,
    default_catalogs,
    get_translator,
    languages,
    load_catalogs,
    placeholders,
)

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("bot", "handlers", "storage", "emulator")
CATALOGS = load_catalogs(DEFAULT_ROOT)
LANGS = sorted(CATALOGS)
ALL_KEYS = sorted(set().union(*(set(messages) for messages in CATALOGS.values())))


# ------------------------------------------------------------ catalogs vs catalogs


def test_catalogs_exist_for_fa_and_en() -> None:
    assert {"fa", "en"} <= set(CATALOGS)
    assert "common.yes" in CATALOGS["fa"]


@pytest.mark.parametrize("key", ALL_KEYS)
def test_key_in_every_language_with_same_placeholders(key: str) -> None:
    present = {lang: CATALOGS[lang].get(key) for lang in LANGS}
    missing = [lang for lang, message in present.items() if message is None]
    assert not missing, f"{key} missing in {missing}"
    kinds = {lang: isinstance(m, str) for lang, m in present.items()}
    assert len(set(kinds.values())) == 1, f"{key}: plural in some languages only: {kinds}"
    sets = {lang: placeholders(m) for lang, m in present.items() if m is not None}
    assert len({frozenset(s) for s in sets.values()}) == 1, f"{key}: placeholders {sets}"


@pytest.mark.parametrize(
    ("lang", "key"),
    [(lang, key) for lang in LANGS for key, m in CATALOGS[lang].items() if not isinstance(m, str)],
)
def test_plural_messages_cover_the_language_categories(lang: str, key: str) -> None:
    message = CATALOGS[lang][key]
    assert not isinstance(message, str)
    needed = set(Locale.parse(lang).plural_form.tags) | {"other"}
    assert needed <= set(message), f"{lang} {key} lacks {needed - set(message)}"


# ---------------------------------------------------------------- catalogs vs code


@dataclass(frozen=True)
class CallSite:
    where: str  # path:line
    method: str  # "t" or "plural"
    key: str
    kwargs: frozenset[str] | None  # None when **mapping is passed

    def __str__(self) -> str:
        return f"{self.where} {self.key}"


def _call_sites(root: Path) -> list[CallSite]:
    sites = []
    for folder in CODE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name not in ("t", "tr", "plural"):
                    continue
                first = node.args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    continue  # a key built at run time
                spread = any(k.arg is None for k in node.keywords)
                kwargs = None if spread else frozenset(k.arg for k in node.keywords if k.arg)
                sites.append(
                    CallSite(
                        f"{path.relative_to(root)}:{node.lineno}",
                        "plural" if name == "plural" else "t",
                        first.value,
                        kwargs,
                    )
                )
    return sites


CALL_SITES = _call_sites(ROOT)


@pytest.mark.parametrize("site", CALL_SITES, ids=str)
def test_code_key_exists_with_matching_placeholders(site: CallSite) -> None:
    for lang in LANGS:
        message: Message | None = CATALOGS[lang].get(site.key)
        assert message is not None, f"{site}: key missing in locales/{lang}"
        is_plural = not isinstance(message, str)
        assert is_plural == (site.method == "plural"), (
            f"{site}: {'plural' if is_plural else 'plain'} message used with {site.method}()"
        )
        if site.kwargs is None:
            continue
        expected = placeholders(message) - ({"n"} if is_plural else set())
        passed = site.kwargs - ({"n"} if is_plural else set())
        assert passed == expected, (
            f"{site}: passes {sorted(passed)}, {lang} wants {sorted(expected)}"
        )


def test_call_site_scanner_finds_calls(tmp_path: Path) -> None:
    # The scanner itself, on a known snippet, so an empty code base cannot hide a bug.
    code = "tr.t('a.b', x=1)\nt('c.d')\ntr.plural('e.f', n, **kw)\ntr(f'g.{x}')\nx.tr('h.i', y=2)\n"
    path = tmp_path / "bot" / "sample.py"
    path.parent.mkdir()
    path.write_text(code, encoding="utf-8")
    sites = _call_sites(tmp_path)
    keys = [site.key for site in sites]
    assert sorted(keys) == ["a.b", "c.d", "e.f", "h.i"]
    by_key = {site.key: site for site in sites}
    assert by_key["a.b"].kwargs == frozenset({"x"})
    assert by_key["e.f"].method == "plural"
    assert by_key["e.f"].kwargs is None


# -------------------------------------------------------------------- translator


def write(root: Path, lang: str, feature: str, body: str) -> None:
    (root / lang).mkdir(parents=True, exist_ok=True)
    (root / lang / f"{feature}.toml").write_text(body, encoding="utf-8")


@pytest.fixture
def catalog_root(tmp_path: Path) -> Path:
    write(
        tmp_path,
        "fa",
        "demo",
        'hello = "سلام {name}"\n[menu]\nstart = "شروع"\n'
        '[items]\none = "{n} مورد"\nother = "{n} مورد"\n',
    )
    write(
        tmp_path,
        "en",
        "demo",
        'hello = "Hello {name}"\n[menu]\nstart = "Start"\n'
        '[items]\none = "one item"\nother = "{n} items"\n',
    )
    (tmp_path / "__pycache__").mkdir()
    return tmp_path


def test_load_flattens_and_detects_plurals(catalog_root: Path) -> None:
    catalogs = load_catalogs(catalog_root)
    assert set(catalogs) == {"fa", "en"}
    assert catalogs["en"]["demo.menu.start"] == "Start"
    assert dict(catalogs["en"]["demo.items"]) == {"one": "one item", "other": "{n} items"}  # type: ignore[arg-type]
    assert placeholders(catalogs["en"]["demo.items"]) == {"n"}
    assert placeholders(catalogs["fa"]["demo.hello"]) == {"name"}


def test_translator(catalog_root: Path) -> None:
    catalogs = Catalogs.load(catalog_root, strict=True)
    assert catalogs.languages() == ["fa", "en"]
    fa, en = catalogs.translator("fa"), catalogs.translator("en")
    assert fa.t("demo.hello", name="علی") == "سلام علی"
    assert en.t("demo.menu.start") == "Start"
    assert en.plural("demo.items", 1) == "one item"
    assert en.plural("demo.items", 0) == "0 items"
    assert en.plural("demo.items", 1234) == "1,234 items"
    assert fa.plural("demo.items", 1234) == "۱٬۲۳۴ مورد"
    assert fa.plural("demo.items", 1405, n=Presenter("fa").plain_int(1405)) == "۱۴۰۵ مورد"
    assert fa.t("demo.hello", name=12500) == "سلام ۱۲٬۵۰۰"  # numbers are localised


def test_strict_translator_raises_on_missing_key(catalog_root: Path) -> None:
    tr = Catalogs.load(catalog_root, strict=True).translator("fa")
    with pytest.raises(KeyError, match=r"demo\.nope"):
        tr.t("demo.nope")
    with pytest.raises(KeyError, match=r"demo\.nope"):
        tr.plural("demo.nope", 2)
    with pytest.raises(KeyError, match="plural"):
        tr.t("demo.items")


def test_lenient_translator_returns_key_and_logs_once(
    catalog_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tr = Catalogs.load(catalog_root, strict=False).translator("fa")
    with caplog.at_level(logging.ERROR, logger="bot.i18n"):
        assert tr.t("demo.nope") == "demo.nope"
        assert tr.t("demo.nope") == "demo.nope"
        assert tr.plural("demo.nope", 3) == "demo.nope"
    assert len([r for r in caplog.records if "demo.nope" in r.getMessage()]) == 1


def test_missing_placeholder_always_raises(catalog_root: Path) -> None:
    tr = Catalogs.load(catalog_root, strict=False).translator("en")
    with pytest.raises(KeyError, match="name"):
        tr.t("demo.hello")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('x = "{0}"', "placeholder"),
        ('x = "{}"', "placeholder"),
        ('x = "{a.b}"', "placeholder"),
        ('x = "{a[0]}"', "placeholder"),
        ('x = "{a:>3}"', "placeholder"),
        ('x = "{a!r}"', "placeholder"),
        ('x = "{a"', "x"),
        ("x = 3", "string or a table"),
        ('[x]\none = "a"', "other"),
        ('[x]\none = "a"\nother = 1', "string"),
        ("x = [", "demo.toml"),
    ],
)
def test_bad_catalogs_are_rejected(tmp_path: Path, body: str, problem: str) -> None:
    write(tmp_path, "fa", "demo", body)
    with pytest.raises(CatalogError, match=problem):
        load_catalogs(tmp_path)


def test_unknown_language_directory_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "de", "demo", 'x = "y"')
    with pytest.raises(CatalogError, match="de"):
        Catalogs.load(tmp_path)


def test_package_translators_are_cached() -> None:
    assert get_translator("fa") is get_translator("fa")
    assert languages()[0] == "fa"
    assert set(languages()) == set(LANGS)
    assert default_catalogs().translator("en").t("common.yes") == "Yes"
    assert get_translator("fa").plural("common.reports_count", 3) == "۳ گزارش"
    assert get_translator("en").plural("common.reports_count", 1) == "1 report"
