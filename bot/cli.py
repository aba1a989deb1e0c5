"""The `rounaq` command: run the bot, or the self-contained demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.redact import RedactingFilter
from bot.settings import Settings


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, and the URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_application

    if not settings.token:
        print("BOT_TOKEN is not set: starting the local demo instead.", file=sys.stderr)
        return _demo(settings, args)
    application = build_application(settings)
    application.run_polling(allowed_updates=None, drop_pending_updates=False)
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    host = getattr(args, "host", None) or settings.demo_host
    port = getattr(args, "port", None) or settings.demo_port
    asyncio.run(run_demo(settings, host=host, port=port))
    return 0


def _import_loans(settings: Settings, args: argparse.Namespace) -> int:
    """Import a bank's facility file (CSV/XLSX) into the configured database: all or none."""
    from pathlib import Path

    from bot.container import build_services
    from bot.formatting import Presenter, html_to_plain
    from bot.i18n import get_translator
    from bot.views_figures import import_summary

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
    root.add_argument("--log-level", default="INFO")
    commands = root.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run the bot (the demo when BOT_TOKEN is unset)")
    run.add_argument("--port", type=int, default=None, help="demo page port")
    run.add_argument("--host", default=None)
    demo = commands.add_parser("demo", help="run the bot against the local emulator + chat page")
    demo.add_argument("--port", type=int, default=None)
    demo.add_argument("--host", default=None)
    loans = commands.add_parser(
        "import-loans", help="import a production-boom facilities file (CSV or XLSX)"
    )
    loans.add_argument("file", help="the bank's CSV or XLSX file")
    loans.add_argument("--by", type=int, default=None, help="user id recorded as the importer")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging(args.log_level)
    settings = Settings()
    if args.command == "demo":
        return _demo(settings, args)
    if args.command == "import-loans":
        return _import_loans(settings, args)
    return _run(settings, args)


if __name__ == "__main__":
    raise SystemExit(main())
