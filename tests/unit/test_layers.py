"""Imports point one way (the contracts in pyproject.toml's [tool.importlinter]): handlers
over the bot over storage, handlers reach storage through services, services know no
Telegram, and the emulator stands alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept() -> None:
    # In its own process: import-linter sets up logging as a command does, which would
    # leave this process's loggers muted for the tests that read their records.
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
