"""``python -m emulator``: run the emulator alone with sample personas (no bot attached).

Point a bot at the printed base URL; ``rounaq demo`` does the same wiring in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .core import BotApiEmulator

SAMPLE_PERSONAS = (
    (1001, "علی", "Owner · مالک واحد"),
    (1002, "Sara", "Agency officer · کارشناس"),
    (1003, "رضا", "Official · مسئول"),
    (1004, "Admin", "Admin · مدیر"),
)


def add_sample_personas(emu: BotApiEmulator) -> None:
    for user_id, name, persona in SAMPLE_PERSONAS:
        emu.add_user(user_id, name, persona=persona)


async def _serve(token: str, port: int, state: str | None) -> None:
    async with BotApiEmulator(token, port=port, state_path=state) as emu:
        add_sample_personas(emu)
        print(f"chat page: {emu.url}/\nbase_url: {emu.base_url}\nfile url: {emu.base_file_url}")
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--token", default="123456:TEST-token")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--state", default=None, help="a file to keep chats and update ids in")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the way to stop the demo
        asyncio.run(_serve(args.token, args.port, args.state))


if __name__ == "__main__":
    main()
