"""The `rounaq` command: run the bot, or the self-contained demo."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.redact import RedactingFilter

if TYPE_CHECKING:
    # Imported in main(), after the collector is off: the `rounaq` script imports this
    # module first, and the settings bring SQLAlchemy and pydantic with them.
    from bot.settings import Settings

# Libraries that narrate their routine work at INFO (alembic's plugins and migrations,
# apscheduler's every job, PTB's start and stop): warnings only, unless LOG_LEVEL=DEBUG.
LIBRARY_LOGGERS = ("alembic", "apscheduler", "telegram.ext", "aiohttp.access")
# httpx and httpcore log every request URL, and the URL carries the token: never below WARNING.
NEVER_VERBOSE = ("httpx", "httpcore")
log = logging.getLogger("rounaq")


def configure_logging(level: str = "INFO") -> None:
    """The one place that sets up logging (LOG_LEVEL, or --log-level, for the bot's own)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    try:
        root.setLevel(level.upper())
    except ValueError:  # a wrong LOG_LEVEL: Settings() refuses it next, with its own message
        root.setLevel(logging.INFO)
    debugging = root.level <= logging.DEBUG
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if debugging else logging.WARNING)
    for name in NEVER_VERBOSE:
        logging.getLogger(name).setLevel(logging.WARNING)


def startup_lines(settings: Settings) -> list[str]:
    """What a newcomer needs at start: the version, the database (no password), the province."""
    from importlib.metadata import PackageNotFoundError, version

    from sqlalchemy.engine import make_url

    try:
        release = version("rounaq")
    except PackageNotFoundError:  # run from a checkout without installing
        release = "(not installed)"
    try:
        database = make_url(settings.database_url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL fails later with its own message; never echo it
        database = "(unreadable DATABASE_URL)"
    return [
        f"Rounaq {release}",
        f"database: {database}",
        f"province: {settings.province}",
    ]


def announce(settings: Settings) -> None:
    for line in startup_lines(settings):
        log.info("%s", line)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_application

    if not settings.token:
        if getattr(args, "webhook", False):
            print("rounaq: --webhook needs BOT_TOKEN", file=sys.stderr)
            return 2
        print("BOT_TOKEN is not set: starting the local demo instead.", file=sys.stderr)
        return _demo(settings, args)
    announce(settings)
    if getattr(args, "webhook", False):
        try:
            options = webhook_options(settings)
        except ValueError as exc:
            print(f"rounaq: {exc}", file=sys.stderr)
            return 2
        application = build_application(settings)
        gc.enable()  # the imports are done; PTB runs the rest of the start inside run_webhook
        application.run_webhook(**options, allowed_updates=None, drop_pending_updates=False)
        return 0
    # Polling (the default): updates are confirmed to Telegram once stored (bot.inbox).
    from bot.runtime import serve

    asyncio.run(serve(settings))
    return 0


def webhook_options(settings: Settings) -> dict[str, Any]:
    """run_webhook's arguments from the settings; the secret is left out where the platform
    has none (Bale), since PTB would then refuse every request for lacking it."""
    from bot.platform import PROFILES

    if not settings.webhook_url:
        raise ValueError("--webhook needs WEBHOOK_URL (the public https:// address)")
    profile = PROFILES[settings.resolved_platform]
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    if profile.webhook_secret and secret is None:
        raise ValueError("--webhook needs WEBHOOK_SECRET on this platform")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        # The proxy forwards the public path unchanged (deploy/nginx-rounaq.conf).
        "url_path": urlsplit(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret if profile.webhook_secret else None,
    }


def _copy_db(args: argparse.Namespace) -> int:
    from storage.copy import CopyError, copy_database

    def progress(table: str, rows: int) -> None:
        print(f"copied {table}: {rows} rows", file=sys.stderr)

    try:
        report = asyncio.run(
            copy_database(
                args.source,
                args.target,
                force=args.force,
                batch_size=args.batch_size,
                progress=progress,
            )
        )
    except CopyError as exc:
        print(f"rounaq copy-db: {exc}", file=sys.stderr)
        return 1
    for check in report.tables:
        verdict = "ok" if check.ok else "MISMATCH"
        print(
            f"{check.table:<24} {check.source_rows:>9} -> {check.target_rows:<9} "
            f"{check.target_checksum[:16]} {verdict}"
        )
    if not report.ok:
        print("rounaq copy-db: verification failed", file=sys.stderr)
        return 1
    print(f"verified {len(report.tables)} tables, {report.rows} rows")
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    host = getattr(args, "host", None) or settings.demo_host
    port = getattr(args, "port", None) or settings.demo_port
    announce(settings)
    gc.enable()
    asyncio.run(run_demo(settings, host=host, port=port))
    return 0


def _import_loans(settings: Settings, args: argparse.Namespace) -> int:
    """Import a bank's facility file (CSV/XLSX) into the configured database: all or none."""
    from pathlib import Path

    from bot.container import build_services
    from bot.formatting import Presenter, html_to_plain
    from bot.i18n import get_translator
    from bot.views.figures import import_summary

    path = Path(args.file)
    data = path.read_bytes()  # before the event loop starts: a plain blocking read

    async def run() -> bool:
        services = await build_services(settings)
        try:
            result = await services.loans.import_file(data, path.name, imported_by=args.by)
        finally:
            await services.close()
        lang = settings.default_language
        text = import_summary(get_translator(lang), Presenter(lang, settings.tz), result)
        print(html_to_plain(text))
        return result.imported

    return 0 if asyncio.run(run()) else 1


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="rounaq", description="Rounaq production-obstacles bot")
    root.add_argument(
        "--log-level", default=None, help="the bot's log level (default: LOG_LEVEL, or INFO)"
    )
    commands = root.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run the bot (the demo when BOT_TOKEN is unset)")
    run.add_argument("--port", type=int, default=None, help="demo page port")
    run.add_argument("--host", default=None)
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve Telegram webhooks (WEBHOOK_URL, WEBHOOK_LISTEN, WEBHOOK_PORT, WEBHOOK_SECRET)",
    )
    demo = commands.add_parser("demo", help="run the bot against the local emulator + chat page")
    demo.add_argument("--port", type=int, default=None)
    demo.add_argument("--host", default=None)
    copy = commands.add_parser(
        "copy-db",
        help="copy a SQLite database into PostgreSQL (stop the bot first), verified",
    )
    copy.add_argument("--from", dest="source", required=True, metavar="SQLITE_URL")
    copy.add_argument("--to", dest="target", required=True, metavar="POSTGRES_URL")
    copy.add_argument("--force", action="store_true", help="replace a non-empty target")
    copy.add_argument("--batch-size", type=int, default=1000)
    loans = commands.add_parser(
        "import-loans", help="import a production-boom facilities file (CSV or XLSX)"
    )
    loans.add_argument("file", help="the bank's CSV or XLSX file")
    loans.add_argument("--by", type=int, default=None, help="user id recorded as the importer")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    # The collector is off through the start (as bot/__main__ does before importing this,
    # for the `rounaq` script too): `run` turns it on once polling (bot.runtime.serve), the
    # webhook and the demo once built, the other commands at once; any way out turns it on.
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    args = parser().parse_args(argv)
    configure_logging(args.log_level or os.environ.get("LOG_LEVEL") or "INFO")
    if args.command in ("copy-db", "import-loans"):
        gc.enable()  # long batch work, not a start
    if args.command == "copy-db":
        return _copy_db(args)
    from bot.settings import Settings

    settings = Settings()
    configure_logging(args.log_level or settings.log_level)  # LOG_LEVEL may be in .env
    if args.command == "demo":
        return _demo(settings, args)
    if args.command == "import-loans":
        return _import_loans(settings, args)
    return _run(settings, args)


if __name__ == "__main__":
    raise SystemExit(main())
