"""One step of the walk: who does what. A step is plain data, so a walk replays and shrinks.

A step is chosen from what the person sees (the buttons on their messages, their menu),
and records what it did in terms that still mean something in a shorter replay: a press
names its callback data and whether it was on an old message, not a message id.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass

from emulator import BotApiEmulator, SentMessage
from tests.walk.population import BY_KEY, CAST, GROUP_ID, Actor
from tests.walk.texts import free_text, normal_text

SYSTEM = "-"
# Every command the bot knows, to try one that is not on a person's menu.
ALL_COMMANDS = (
    "/start", "/help", "/report", "/register", "/myreports", "/cancel", "/language",
    "/inbox", "/stats", "/digest", "/digest_settings", "/admin", "/routing", "/agenda",
    "/decisions", "/export", "/laws", "/loans", "/national", "/status", "/progress",
    "/editprogram", "/importloans", "/senddigest", "/subscribe", "/unsubscribe",
    "/link 1 1405-0001",
)  # fmt: skip
MEDIA = ("contact_own", "contact_other", "photo", "document", "sticker", "forward", "edit")
# Who acts how often: the owners drive the flows, the officers move the reports on.
ACTOR_WEIGHTS = {
    "new_fa": 4, "new_en": 3, "owner_a": 10, "owner_b": 8, "owner_none": 5, "owner_en": 6,
    "officer_smt": 8, "officer_bank": 6, "officer_tax": 3, "officer_ss": 3, "officer_power": 3,
    "officer_estates": 3, "officer_env": 3, "officer_customs": 3, "officer_heritage": 3,
    "official": 3, "secretariat": 5, "admin": 3, "ministry": 2,
}  # fmt: skip
GROUP_MEMBERS = ("officer_smt", "admin")
# How often a person does what the bot asks rather than wander: owners more often, so that
# reports get filed and the officers have something to accept, answer and decide.
FOLLOW = 0.75
FOLLOW_OWNER = 0.85
AMOUNTS = ("۵۰۰ میلیون", "2 میلیارد", "500000000", "١٢٠٠ میلیون")


@dataclass(frozen=True)
class Step:
    actor: str  # an Actor key, or SYSTEM
    kind: str  # text, press, reply_kb, media kinds, restart, kill, burst
    arg: str = ""
    old: bool = False  # press: on the oldest message carrying that button
    group: bool = False  # in the agency's group chat, not the private one

    def describe(self) -> str:
        where = "@group" if self.group else ""
        arg = self.arg if len(self.arg) <= 60 else self.arg[:57] + "..."
        old = " (old message)" if self.old else ""
        return f"{self.actor}{where} {self.kind} {arg!r}{old}"

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @staticmethod
    def from_json(data: dict[str, object]) -> Step:
        return Step(**data)  # type: ignore[arg-type]


def dump_steps(steps: list[Step]) -> str:
    return json.dumps([s.to_json() for s in steps], ensure_ascii=False, indent=0)


def load_steps(text: str) -> list[Step]:
    return [Step.from_json(item) for item in json.loads(text)]


def chat_of(actor: Actor, step: Step) -> int:
    return GROUP_ID if step.group else actor.user_id


def visible(emu: BotApiEmulator, chat_id: int) -> list[SentMessage]:
    return [m for m in emu.messages(chat_id) if not m.deleted]


def callback_buttons(message: SentMessage) -> list[str]:
    return [str(data) for row in message.buttons for text, data in row if data is not None]


def inline_callbacks(message: SentMessage) -> list[str]:
    """Callback data of the message's inline buttons (URL buttons are not pressed)."""
    rows = (message.reply_markup or {}).get("inline_keyboard") or []
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def menu_of(emu: BotApiEmulator, actor: Actor) -> list[str]:
    for scope in (f"chat:{actor.user_id}", "default"):
        for lang in (actor.lang, ""):
            commands = emu.commands.get((scope, lang))
            if commands:
                return ["/" + str(c["command"]) for c in commands]
    return ["/start", "/help"]


def choose(rng: random.Random, emu: BotApiEmulator, index: int, *, kills: bool) -> Step:
    roll = rng.random()
    if roll < 0.002:
        return Step(SYSTEM, "kill" if kills and rng.random() < 0.4 else "restart")
    if roll < 0.006:
        return Step(SYSTEM, "burst", rng.choice(("429", "500", "502")))
    keys = list(ACTOR_WEIGHTS)
    key = rng.choices(keys, weights=[ACTOR_WEIGHTS[k] for k in keys])[0]
    actor = BY_KEY[key]
    group = key in GROUP_MEMBERS and rng.random() < 0.06
    chat_id = GROUP_ID if group else actor.user_id
    messages = visible(emu, chat_id)
    latest = messages[-1] if messages else None
    latest_buttons = inline_callbacks(latest) if latest is not None else []
    keyboard = [
        str(b.get("text", "")) for row in emu.current_reply_keyboard(chat_id) or [] for b in row
    ]
    if rng.random() < (FOLLOW_OWNER if actor.is_owner_side else FOLLOW):
        # Go on with what the bot asks, so that flows complete: press one of the buttons
        # it just showed, answer its question, or start something from the menu.
        asks_text = latest is not None and _asks_text(latest.text)
        if latest_buttons and not (asks_text and rng.random() < 0.5):
            return Step(key, "press", rng.choice(latest_buttons), group=group)
        if keyboard:
            return Step(key, "reply_kb", rng.choice(keyboard), group=group)
        if latest is not None and _asks_amount(latest.text):
            return Step(key, "text", rng.choice(AMOUNTS), group=group)
        if asks_text:
            return Step(key, "text", normal_text(rng, actor.user_id, index), group=group)
        return Step(key, "text", rng.choice(menu_of(emu, actor)), group=group)
    roll = rng.random()
    if roll < 0.1:
        older = [d for m in messages[:-1] for d in inline_callbacks(m)]
        if older:
            return Step(key, "press", rng.choice(older), old=rng.random() < 0.5, group=group)
    if roll < 0.45:
        return Step(key, "text", free_text(rng, actor.user_id, index), group=group)
    if roll < 0.65:
        menu = menu_of(emu, actor)
        command = rng.choice(menu) if rng.random() < 0.7 else rng.choice(ALL_COMMANDS)
        return Step(key, "text", command, group=group)
    if roll < 0.72:
        return Step(key, "text", "/cancel", group=group)
    if roll < 0.75:
        return Step(key, "text", "/start", group=group)
    return Step(key, rng.choice(MEDIA), group=group)


def _asks_amount(text: str) -> bool:
    return "مبلغ" in text or "amount" in text.lower()


def _asks_text(text: str) -> bool:
    lowered = text.lower()
    return any(w in lowered for w in ("بنویسید", "شرح دهید", "write", "describe", "type "))


def people() -> tuple[Actor, ...]:
    return CAST
