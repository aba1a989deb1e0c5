"""A user as a test plays them: says things, presses buttons, reads the bot's replies."""

from __future__ import annotations

from dataclasses import dataclass

from emulator import BotApiEmulator, SentMessage, User


@dataclass
class Person:
    emu: BotApiEmulator
    user: User

    @property
    def id(self) -> int:
        return self.user.id

    async def say(self, text: str) -> SentMessage:
        """Send text and return the bot's first reply to it."""
        await self.emu.send_text(self.id, text)
        return await self.emu.wait_for_message(self.id)

    async def send(self, text: str) -> None:
        await self.emu.send_text(self.id, text)

    async def next(self, contains: str | None = None, wait: float = 5.0) -> SentMessage:
        """The bot's next message to this person (optionally the next one containing text)."""
        return await self.emu.wait_for_message(
            self.id,
            (lambda m: contains in m.text) if contains else None,
            timeout=wait,
        )

    async def press(self, message: SentMessage, button: str) -> SentMessage:
        """Press a button whose text contains `button` (or whose data equals it)."""
        label = _find_label(message, button)
        await self.emu.press(self.id, message, label)
        return await self.emu.wait_for_message(self.id)

    async def press_only(self, message: SentMessage, button: str) -> None:
        await self.emu.press(self.id, message, _find_label(message, button))

    async def share_contact(self) -> SentMessage:
        await self.emu.share_contact(self.id)
        return await self.emu.wait_for_message(self.id)

    def texts(self) -> list[str]:
        return [m.text for m in self.emu.messages(self.id)]


def _find_label(message: SentMessage, button: str) -> str:
    for row in message.buttons:
        for text, data in row:
            if button == data or button in text:
                return text if button in text else str(data)
    raise LookupError(f"no button like {button!r}; buttons: {message.buttons}")
