"""The walk: the bot against the emulator, a population, one random step at a time, and
every invariant checked after each step.

After a step the driver waits until the emulator holds no unconfirmed update: the bot
acknowledges an update only once it is completely handled (bot/delivery.py), so that is
the moment the step's effects are all visible, seen from outside, without sleeping.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.persistence import bot_id_of
from bot.runtime import running_bot
from bot.settings import Settings
from emulator import BotApiEmulator, CallbackQuery, RateLimits
from storage.db import Database
from tests.conftest import ADMIN_ID, START, TEST_RATE_LIMITS, TOKEN, bot_settings
from tests.e2e.bot_process import BotProcess
from tests.hardening.corpus import PNG
from tests.walk import invariants as inv
from tests.walk.known import known_defect
from tests.walk.population import BY_ID, BY_KEY, GROUP_ID, add_to_emulator, seed
from tests.walk.probe import Probe
from tests.walk.steps import SYSTEM, Step, chat_of, choose, inline_callbacks, visible

# An update must be completely handled within this. A 429 adds its retry_after, and an
# answer in a group past Telegram's 20 messages a minute waits up to that minute (the
# unpaced walk keeps the groups' limit): seed 2, unpaced, step 1364 waited 20-75 s there.
ANSWER_BOUND = 75.0
# People acting at once (--width). The bot handles different people concurrently, but on
# SQLite their writes queue up: measured, 4 at once was slower than 1. 1 also replays
# with no interleaving at all, exactly.
WIDTH = 1
TRAIL = 20  # steps of each chat shown with a failure
# Time the walk's clock moves per step: people act a few seconds apart (a frozen clock
# would have everyone throttled for ever), and a long walk crosses working days.
CLOCK_STEP = timedelta(seconds=12)
# How often settle looks at the inbox while the bot works (a look costs microseconds).
POLL = 0.001


class InProcessBot:
    """The application in this event loop with a test-driven clock; its ERROR records
    are trapped from the root logger. A "kill" can only be a stop here."""

    def __init__(self, settings: Settings, clock: ManualClock) -> None:
        self.settings, self.clock = settings, clock
        self.errors: list[str] = []
        self._running: object | None = None
        bot = self

        class _Trap(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if record.levelno >= logging.ERROR:
                    detail = f" {record.exc_info[1]!r}" if record.exc_info else ""
                    bot.errors.append(f"{record.name}: {record.getMessage()}{detail}")

        self._trap = _Trap()

    async def start(self, emulator: BotApiEmulator) -> None:
        logging.getLogger().addHandler(self._trap)
        context = running_bot(self.settings, clock=self.clock, poll_timeout=1)
        await context.__aenter__()
        self._running = context

    async def stop(self) -> None:
        context, self._running = self._running, None
        if context is not None:
            await context.__aexit__(None, None, None)  # type: ignore[attr-defined]
        logging.getLogger().removeHandler(self._trap)

    async def kill(self) -> None:
        await self.stop()


_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")  # bot/cli.py's format


def _exception_line(traceback: list[str]) -> str:
    """The traceback's "Type: message" line (SQLAlchemy adds a "Background" line after)."""
    found = [ln for ln in traceback if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b", ln)]
    return found[-1] if found else (traceback[-1] if traceback else "")


class ProcessBot:
    """`python -m bot run`: real SIGTERM and SIGKILL; ERROR lines read from its log."""

    def __init__(self, settings: Settings, workdir: Path) -> None:
        # Its clock is the real one: a person acting every second or so must not be
        # throttled (the in-process walk moves its clock CLOCK_STEP per step instead).
        self.process = BotProcess(settings, workdir, MAX_UPDATES_PER_MINUTE="100000")

    @property
    def errors(self) -> list[str]:
        """Each ERROR or CRITICAL record, with the last line of its traceback (the
        exception itself), as the in-process trap reports them."""
        text = self.process.log_text() if self.process.log.exists() else ""
        records: list[list[str]] = []
        for line in text.splitlines():
            if _LOG_LINE.match(line):
                records.append([line] if (" ERROR " in line or " CRITICAL " in line) else [])
            elif records and records[-1] and line.strip():
                records[-1].append(line.strip())
        return [f"{r[0]} {_exception_line(r[1:])}" for r in records if r]

    async def start(self, emulator: BotApiEmulator) -> None:
        await self.process.start(emulator)

    async def stop(self) -> None:
        await self.process.stop()

    async def kill(self) -> None:
        await self.process.kill9()


@dataclass
class WalkResult:
    seed: int
    steps: list[Step]
    violation: inv.Violation | None = None
    failed_at: int | None = None
    report: str = ""
    elapsed: float = 0.0
    known: list[str] = field(default_factory=list)  # KNOWN_DEFECTS hits, for the record
    chats: tuple[int, ...] = ()  # the chats involved in the failure
    summary: str = ""  # what the walk made happen: reports by status, events by kind

    @property
    def rate(self) -> float:
        return len(self.steps) / self.elapsed if self.elapsed else 0.0


def walk_settings(database_url: str, emulator: BotApiEmulator, *, paced: bool) -> Settings:
    # A Bot API call gives up after 2 s and a 5xx burst is retried soon. Paced, the bot sends
    # at most 30 messages a second as deployed (the other tests turn that off).
    deployed = Settings.model_fields["max_messages_per_second"].default
    return bot_settings(
        database_url, emulator, bot_api_timeout=2.0,
        max_messages_per_second=deployed if paced else 0,
    )  # fmt: skip


class Walk:
    def __init__(self, emulator: BotApiEmulator, bot: InProcessBot | ProcessBot, db: Database):
        self.emu = emulator
        self.bot = bot
        self.db = db
        self.trail: dict[int, list[str]] = {}
        self.errors_seen = 0
        self.rejected_seen = 0
        self.known: list[str] = []
        self.agency_ids: dict[str, int] = {}
        self._rows = inv.Rows()
        self.probe = Probe(db.url.render_as_string(hide_password=False), bot_id_of(TOKEN))
        self._version: tuple[object, ...] = ()

    # --- doing -----------------------------------------------------------------------

    async def settle(self) -> inv.Violation | None:
        """Wait until every update so far is completely handled, seen from outside.

        The emulator holds an update until the bot confirms it. The bot confirms an
        update once it is handled, or, with a durable inbox (an `update_inbox` table),
        once it is stored; then the row's `done_at` says it is handled.
        """
        state = self.emu.state
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ANSWER_BOUND
        try:
            await self.emu.wait_until(
                lambda: not state.updates and not state.redeliveries, timeout=ANSWER_BOUND
            )
            while await self.probe.undone():
                if loop.time() > deadline:
                    raise TimeoutError
                await asyncio.sleep(POLL)
        except TimeoutError:
            pending = [next(k for k in u if k != "update_id") for u in state.updates]
            return inv.Violation(
                "answer", f"updates not handled within {ANSWER_BOUND}s: {pending or 'inbox'}"
            )
        return None

    async def perform(self, step: Step) -> inv.StepWatch | None:
        """Do the step; None when it cannot apply (a shrunk replay lost its button)."""
        cursors = {cid: chat.seq for cid, chat in self.emu.state.chats.items()}
        if step.actor == SYSTEM:
            await self._disturb(step)
            return inv.StepWatch(cursors, None, private=False)
        actor = BY_KEY[step.actor]
        chat = chat_of(actor, step)
        sent = await self._send(step, actor.user_id, chat, GROUP_ID if step.group else None)
        if sent is None:
            return None
        # In a group the bot stays silent to most things by design.
        what = f"{step.kind} «{step.arg}»" if step.arg else step.kind
        query = sent if isinstance(sent, CallbackQuery) else None
        return inv.StepWatch(cursors, chat, private=not step.group, what=what, query=query)

    async def _disturb(self, step: Step) -> None:
        """The system's step: a burst of refusals from the Bot API, or a restart."""
        if step.kind == "burst":
            code = int(step.arg)
            self.emu.fail_method(
                "sendMessage", code, times=3, retry_after=1 if code == 429 else None
            )
        elif step.kind == "kill":
            await self.bot.kill()
            await self.bot.start(self.emu)
        else:
            await self.bot.stop()
            await self.bot.start(self.emu)

    async def _send(
        self, step: Step, uid: int, chat: int, in_chat: int | None
    ) -> CallbackQuery | bool | None:
        """A person's step sent to the bot: the press's query for a press, True for anything
        else, None when it cannot apply (no such button or message any more)."""
        emu, kind = self.emu, step.kind
        if kind == "text":
            await emu.send_text(uid, step.arg, chat_id=in_chat)
        elif kind == "press":
            carrying = [m for m in visible(emu, chat) if step.arg in inline_callbacks(m)]
            if not carrying:
                return None
            message = carrying[0] if step.old else carrying[-1]
            return await emu.press_raw(uid, chat, message.message_id, step.arg)
        elif kind == "reply_kb":
            labels = [
                str(b.get("text")) for row in emu.current_reply_keyboard(chat) or [] for b in row
            ]
            if step.arg not in labels:
                return None
            await emu.press_reply(uid, step.arg, chat_id=in_chat)
        elif kind == "contact_own":
            await emu.share_contact(uid) if in_chat is None else await emu.send_contact(
                uid, emu.user(uid).phone_number or "", contact_user_id=uid, chat_id=in_chat
            )
        elif kind == "contact_other":
            await emu.send_contact(uid, "+989121234567", first_name="Someone", chat_id=in_chat)
        elif kind == "photo":
            await emu.send_photo(uid, PNG, chat_id=in_chat)
        elif kind == "document":
            await emu.send_document(uid, b"%PDF-1.4\n%walk\n", "scan.pdf", chat_id=in_chat)
        elif kind == "sticker":
            await emu.send_sticker(uid, chat_id=in_chat)
        elif kind == "forward":
            await emu.send_forwarded(uid, "متن بازارسال‌شده از کس دیگر", chat_id=in_chat)
        elif kind == "edit":
            return await self._edit_own(uid, chat, in_chat)
        else:
            raise ValueError(f"unknown step kind {kind!r}")
        return True

    async def _edit_own(self, uid: int, chat: int, in_chat: int | None) -> bool | None:
        mine = [
            m for m in self.emu.messages(chat, include_user=True)
            if not m.from_bot and m.kind == "text" and m.sender.get("id") == uid
        ]  # fmt: skip
        if not mine:
            return None
        await self.emu.edit_text(
            uid, mine[-1].message_id, mine[-1].text + " (ویرایش)", chat_id=in_chat
        )
        return True

    # --- checking --------------------------------------------------------------------

    async def check(self, watches: list[inv.StepWatch]) -> list[inv.Violation]:
        """Every invariant, after a round of steps (each by a different person)."""
        emu = self.emu
        found: list[inv.Violation] = []
        errors = self.bot.errors
        actor_chats = tuple(w.actor_chat for w in watches if w.actor_chat is not None)
        for line in errors[self.errors_seen :]:
            found.append(inv.Violation("error-log", line[:500], actor_chats))
        self.errors_seen = len(errors)
        rejected = emu.stats.rejected
        fresh = rejected[self.rejected_seen :]
        # An injected failure (5xx, 429) this round: an update was handled again.
        retried = any(code != 400 for _, code, _ in fresh)
        for method, code, description in fresh:
            # By design (bot/platform.py): an edit that finds the message already as
            # asked is success (a press of the shown choice, an update handled again); an
            # update handled again finds its button press already answered.
            expected = (method.startswith("editMessage") and "not modified" in description) or (
                retried and method == "answerCallbackQuery" and "query is too old" in description
            )
            if code == 400 and not expected:
                found.append(inv.Violation("bad-request", f"{method}: {description}", actor_chats))
        self.rejected_seen = len(rejected)
        for watch in watches:
            found += inv.check_answer(emu, watch)
        cursors = watches[0].cursors
        messages = inv.new_bot_messages(emu, cursors)
        version = await self.probe.version()
        if version != self._version:
            self._rows, self._version = await inv.load_rows(self.db), version
            found += inv.check_history(self._rows)
        rows = self._rows
        for message in messages:
            edited = message.created_seq <= cursors.get(message.chat_id, 0)
            # A keyboard taken off a pressed message leaves its words as they were.
            if not (edited and message.edits and message.edits[-1].text == message.text):
                found += inv.check_buttons(emu, message)
            recipient = BY_ID.get(message.chat_id)
            typed = (
                inv.typed_numbers(emu, message.chat_id)
                if recipient is not None and recipient.is_owner_side
                else set()
            )
            found += inv.check_leaks(message, rows, self.agency_ids, typed)
            found += inv.check_counters(message, rows)
        found += inv.check_duplicate_notices(messages, set(actor_chats), cursors)
        return found

    def note(self, index: int, step: Step, watch: inv.StepWatch | None) -> None:
        line = f"#{index} {step.describe()}"
        if watch is None:
            line += "  [not applicable]"
        chats = {watch.actor_chat} if watch and watch.actor_chat is not None else set()
        if watch is not None:
            for message in inv.new_bot_messages(self.emu, watch.cursors):
                chats.add(message.chat_id)
                if message.chat_id == watch.actor_chat and "->" not in line:
                    line += f"  -> «{message.text[:70]}»"
        for chat in chats or {0}:
            self.trail.setdefault(chat, []).append(line)

    def describe_failure(
        self, seed: int, index: int, violation: inv.Violation, chats: set[int]
    ) -> str:
        lines = [f"walk seed {seed}: step {index} broke {violation}"]
        for chat in sorted(chats) or [0]:
            lines.append(f"--- chat {chat}: its last {TRAIL} steps")
            lines += self.trail.get(chat, [])[-TRAIL:]
            if chat in self.emu.state.chats:
                for message in self.emu.messages(chat)[-3:]:
                    lines.append(f"    bot: «{message.text[:200]}» buttons={message.button_texts}")
        return "\n".join(lines)

    async def run(
        self,
        seed: int,
        count: int,
        *,
        replay: list[Step] | None = None,
        kills: bool = False,
        deadline: float | None = None,
        width: int = 1,
    ) -> WalkResult:
        """Rounds of up to `width` steps by different people, sent together and checked
        together once the bot has handled them all (the bot handles different people
        concurrently, so a round takes about as long as its slowest step). A restart or a
        burst is a round of its own. Replaying the same list with the same width forms
        the same rounds."""
        done: list[Step] = []
        started = time.monotonic()
        rounds = self._rounds(random.Random(seed), count, replay, kills=kills, width=width)
        for round_steps in rounds:
            if deadline is not None and time.monotonic() > deadline:
                break
            failure = await self._play(round_steps, done)
            if failure is not None:
                index, violation, involved = failure
                return WalkResult(
                    seed, done, violation, index,
                    self.describe_failure(seed, index, violation, involved),
                    time.monotonic() - started, self.known, tuple(sorted(involved)),
                )  # fmt: skip
        rows = await inv.load_rows(self.db)
        return WalkResult(
            seed, done, elapsed=time.monotonic() - started, known=self.known,
            summary=inv.summary(rows),
        )  # fmt: skip

    def _rounds(
        self, rng: random.Random, count: int, replay: list[Step] | None, *, kills: bool, width: int
    ) -> Iterator[list[Step]]:
        """The steps in rounds; each step is chosen when its round is formed, after the
        rounds before it were played (a choice looks at what the bot has shown)."""
        total = len(replay) if replay is not None else count
        pending: Step | None = None
        index = 0
        while index < total or pending is not None:
            round_steps: list[Step] = []
            while len(round_steps) < width and (pending is not None or index < total):
                if pending is None:
                    pending = (
                        replay[index] if replay is not None
                        else choose(rng, self.emu, index, kills=kills)
                    )  # fmt: skip
                    index += 1
                alone = pending.actor == SYSTEM or (round_steps and round_steps[0].actor == SYSTEM)
                if round_steps and (
                    alone or pending.actor in {s.actor for s in round_steps}
                    or (pending.group and any(s.group for s in round_steps))
                ):  # fmt: skip
                    break
                round_steps.append(pending)
                pending = None
            yield round_steps

    async def _play(
        self, round_steps: list[Step], done: list[Step]
    ) -> tuple[int, inv.Violation, set[int]] | None:
        """One round performed (its steps added to `done`) and checked: the first violation
        not a known defect, with the step it is blamed on and the chats involved."""
        watches: list[tuple[int, Step, inv.StepWatch | None]] = []
        for step in round_steps:
            if isinstance(self.bot, InProcessBot):
                self.bot.clock.advance(CLOCK_STEP)
            watches.append((len(done), step, await self.perform(step)))
            done.append(step)
        live = [w for _, _, w in watches if w is not None]
        if not live:
            for number, step, _ in watches:
                self.note(number, step, None)
            return None
        late = await self.settle()
        violations = ([late] if late else []) + await self.check(live)
        for number, step, watch in watches:
            self.note(number, step, watch)
        for violation in violations:
            if known_defect(violation):
                self.known.append(str(violation))
                continue
            involved = set(violation.chats) | {
                w.actor_chat for w in live if w.actor_chat is not None
            }
            return len(done) - 1, violation, involved
        return None


@asynccontextmanager
async def walk_world(
    database_url: str, workdir: Path, *, process: bool = False, paced: bool = True
) -> AsyncIterator[Walk]:
    """The emulator, a seeded database, the bot running, the agency group bound.

    Paced: the bot's own 30-a-second limit and the emulator's flood control as Telegram's,
    so 429s come and are waited out. Unpaced (as the other tests run): both lifted but the
    groups' 20 a minute; a step then costs the bot's handling alone, about 3.5 times as
    many steps a second, and the people's updates interleave more tightly."""
    limits = RateLimits(private_burst=20) if paced else TEST_RATE_LIMITS
    async with BotApiEmulator(
        token=TOKEN, bot_username="rounaq_test_bot", rate_limits=limits
    ) as emulator:
        add_to_emulator(emulator)
        settings = walk_settings(database_url, emulator, paced=paced)
        await seed(settings)
        bot: InProcessBot | ProcessBot = (
            ProcessBot(settings, workdir) if process else InProcessBot(settings, ManualClock(START))
        )
        db = Database(database_url)
        await bot.start(emulator)
        walk = Walk(emulator, bot, db)
        try:
            await emulator.send_text(ADMIN_ID, "/admin group smt", chat_id=GROUP_ID)
            await emulator.wait_for_message(GROUP_ID)
            await walk.settle()
            assert await walk.probe.sees_the_bot(), "the probe looks under another bot id"
            from bot.container import build_services

            services = await build_services(settings)
            try:
                walk.agency_ids = {a.code: a.id for a in services.directory.agencies}
            finally:
                await services.close()
            yield walk
        finally:
            emulator.clear_faults()
            await bot.stop()
            await walk.probe.close()
            await db.dispose()


async def run_walk(
    database_url: str,
    workdir: Path,
    *,
    seed: int,
    steps: int = 0,
    replay: list[Step] | None = None,
    process: bool = False,
    deadline: float | None = None,
    width: int = 1,
    paced: bool = True,
) -> WalkResult:
    async with walk_world(database_url, workdir, process=process, paced=paced) as walk:
        return await walk.run(
            seed, steps, replay=replay, kills=process, deadline=deadline, width=width
        )


async def shrink(
    fresh: Callable[[], AsyncIterator[str]],
    workdir: Path,
    failure: WalkResult,
    *,
    budget: float = 120.0,
    process: bool = False,
    width: int = 1,
    paced: bool = True,
) -> list[Step]:
    """Delta debugging of the step list: drop chunks while the same invariant still breaks."""
    assert failure.violation is not None
    target = failure.violation.invariant
    steps = list(failure.steps)
    until = time.monotonic() + budget

    async def fails(candidate: list[Step]) -> bool:
        async with asynccontextmanager(fresh)() as url:
            result = await run_walk(
                url, workdir, seed=failure.seed, replay=candidate, process=process, paced=paced
            )
        return result.violation is not None and result.violation.invariant == target

    # First guess: only what the people involved did (and the restarts and bursts).
    involved = set(failure.violation.chats) | set(failure.chats)
    mine = [s for s in steps if s.actor == SYSTEM or BY_KEY[s.actor].user_id in involved
            or (s.group and GROUP_ID in involved)]  # fmt: skip
    if len(mine) < len(steps) and await fails(mine):
        steps = mine
    parts = 2
    while len(steps) >= 2 and time.monotonic() < until:
        size = max(1, len(steps) // parts)
        chunks = [steps[i : i + size] for i in range(0, len(steps), size)]
        reduced = False
        for i in range(len(chunks)):
            if time.monotonic() > until:
                break
            candidate = [s for j, c in enumerate(chunks) if j != i for s in c]
            if candidate and await fails(candidate):
                steps, parts, reduced = candidate, max(parts - 1, 2), True
                break
        if not reduced:
            if size == 1:
                break
            parts = min(len(steps), parts * 2)
    await asyncio.sleep(0)
    return steps
