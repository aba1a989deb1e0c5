"""`rounaq demo` as a newcomer starts it: a few lines that say what is running where.

Issue 11 item 17: alembic's plugin set-up and migrations, apscheduler's every job and PTB's
start and stop were logged at INFO on every start. Now: the version, the database (no
password), the province, the bot, and the demo page's address.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from importlib.metadata import version
from pathlib import Path

from tests.e2e.ports import free_port

NOISY = ("alembic", "apscheduler", "telegram.ext")


async def test_the_demo_starts_with_a_few_useful_lines(tmp_path: Path) -> None:
    port = free_port()
    database = f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "LOG_"))}
    env["DATABASE_URL"] = database
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo", "--port", str(port),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        async with asyncio.timeout(60):
            first = await process.stdout.readline()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            async with asyncio.timeout(60):
                out, err = await process.communicate()
        except TimeoutError:
            process.kill()  # a demo that does not stop must not outlive the test
            await process.wait()
            raise
    stdout = first.decode() + out.decode()
    lines = [line for line in err.decode().splitlines() if line.strip()]

    assert f"open http://127.0.0.1:{port}/ in a browser" in stdout
    assert not [line for line in lines if any(f" {name}" in line for name in NOISY)], lines
    text = "\n".join(lines)
    assert f"Rounaq {version('rounaq')}" in text
    assert f"database: {database}" in text
    assert "province: qom" in text
    assert len(lines) <= 6, lines
    assert process.returncode == 0
