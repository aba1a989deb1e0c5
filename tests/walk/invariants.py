"""What must hold after every step, checked from outside: from what each person saw (the
emulator's record of every message, edit and callback answer) and from the database rows.
Never from the bot's own bookkeeping."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.services.workflow import CLOCK_RUNNING, TRANSITIONS
from emulator import BotApiEmulator, CallbackQuery, SentMessage
from storage.db import Database
from storage.models import Report, ReportEvent, ReportStatus, Unit, User
from tests.walk.population import BY_ID, GROUP_ID, Actor
from tests.walk.texts import MARKER_PREFIX

S = ReportStatus
MARKER = re.compile(rf"{MARKER_PREFIX}(\d+)x(\d+)")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_JOINERS = re.compile(r"[\s\-\u200c\u200f\u200e\u2066-\u2069]")
# A message that names a button to press: «label» را بزنید / press “label”.
_NAMED_BUTTON = (
    re.compile(r"«([^»]{1,40})»\s*را\s*(?:بزنید|انتخاب کنید)"),
    re.compile(r"(?:press|tap)\s+(?:the\s+)?“([^”]{1,40})”", re.IGNORECASE),
)
_BUTTON_BELOW = re.compile(
    r"دکمه(?:ٔ|‌های)? زیر|یکی از دکمه‌ها|buttons? below|one of the buttons", re.IGNORECASE
)

# Status changes outside TRANSITIONS: submission and routing (to the agency, or straight to
# the HQ for the HQ's own categories), the deadline clock, the owner's "not removed"
# (reopened, or escalated the second time), and the HQ's agenda.
_SYSTEM_MOVES: frozenset[tuple[str | None, str]] = frozenset(
    {(None, S.SUBMITTED), (S.SUBMITTED, S.REFERRED), (S.SUBMITTED, S.ESCALATED)}
    | {(S.RESOLVED, S.REOPENED)}
    | {(S.RESOLVED, S.ESCALATED)}
    | {(status, S.ESCALATED) for status in CLOCK_RUNNING}
    | {(S.ESCALATED, S.ON_AGENDA), (S.ON_AGENDA, S.DECIDED)}
)
ALLOWED_MOVES: frozenset[tuple[str | None, str]] = _SYSTEM_MOVES | frozenset(
    (source, t.target) for t in TRANSITIONS.values() if t.target for source in t.sources
)


@dataclass(frozen=True)
class Violation:
    invariant: str
    detail: str
    chats: tuple[int, ...] = ()

    def __str__(self) -> str:
        return f"[{self.invariant}] {self.detail}"


@dataclass
class StepWatch:
    """What the driver knew just before a step: where each chat's log stood."""

    cursors: dict[int, int]
    actor_chat: int | None  # the chat the person acted in (None: a system step)
    private: bool
    what: str = ""  # the step, for the failure's detail
    query: CallbackQuery | None = None
    expects_answer: bool = True


@dataclass
class Rows:
    reports: list[Report] = field(default_factory=list)
    events: dict[int, list[ReportEvent]] = field(default_factory=dict)
    phones: dict[int, set[str]] = field(default_factory=dict)  # user id -> unique phones
    texts: list[tuple[str, int, set[int]]] = field(default_factory=list)  # text, owner, agencies
    internal_notes: list[str] = field(default_factory=list)
    # owner id -> tracking numbers quoted in the words of their own reports (the
    # description, a note the agency wrote to them): the bot may show them back.
    quoted: dict[int, set[tuple[int, int]]] = field(default_factory=dict)


def digits_only(text: str) -> str:
    return _JOINERS.sub("", text.translate(_DIGITS))


def is_unique_phone(phone: str) -> bool:
    """The walk's own phone numbers (seeded units, emulator users), not the corpus's."""
    digits = digits_only(phone)
    return "0913" in digits[:5] or "98935" in digits[:6]


async def load_rows(database: Database) -> Rows:
    rows = Rows()
    async with database.session() as session:
        rows.reports = list(await session.scalars(select(Report).order_by(Report.id)))
        for event in await session.scalars(select(ReportEvent).order_by(ReportEvent.id)):
            rows.events.setdefault(event.report_id, []).append(event)
        units = list(await session.scalars(select(Unit)))
        for unit in units:
            if is_unique_phone(unit.phone):
                rows.phones.setdefault(unit.owner_id, set()).add(digits_only(unit.phone)[-10:])
        for user in await session.scalars(select(User).where(User.phone.is_not(None))):
            if user.phone and is_unique_phone(user.phone):
                rows.phones.setdefault(user.id, set()).add(digits_only(user.phone)[-10:])
    unit_names = {u.id: u.name for u in units}
    for report in rows.reports:
        events = rows.events.get(report.id, [])
        agencies = {report.agency_id} | {e.agency_id for e in events if e.agency_id}
        words = [report.description, unit_names.get(report.unit_id, "")]
        words += [e.note or "" for e in events if not e.internal]
        rows.texts.append(("\n".join(words), report.owner_id, agencies))
        quoted = tracking_numbers("\n".join(words))
        if quoted:
            rows.quoted.setdefault(report.owner_id, set()).update(quoted)
        rows.internal_notes += [e.note for e in events if e.internal and e.note]
    return rows


def check_history(rows: Rows) -> list[Violation]:
    found: list[Violation] = []
    seen_descriptions: Counter[tuple[int, str]] = Counter()
    seen_updates: Counter[int] = Counter()
    for report in rows.reports:
        events = rows.events.get(report.id, [])
        number = f"{report.year}-{report.seq:04d}"
        if not events or events[0].kind != "submitted":
            first = events[0].kind if events else None
            found.append(Violation("history", f"report {number} starts with {first!r}"))
            continue
        status: str | None = None
        for event in events:
            if event.to_status is None:
                continue
            if event.from_status != status or (status, event.to_status) not in ALLOWED_MOVES:
                found.append(
                    Violation(
                        "history",
                        f"report {number}: {event.kind} moved {event.from_status!r}->"
                        f"{event.to_status!r} while the status was {status!r}",
                    )
                )
            status = event.to_status
        if status != report.status:
            found.append(
                Violation("history", f"report {number} is {report.status!r}, history {status!r}")
            )
        if MARKER.search(report.description):
            seen_descriptions[(report.owner_id, report.description)] += 1
        if report.source_update_id is not None:
            seen_updates[report.source_update_id] += 1
    for (owner, description), times in seen_descriptions.items():
        if times > 1:
            found.append(
                Violation("duplicate", f"owner {owner}: {times} reports «{description[:60]}»")
            )
    for update_id, times in seen_updates.items():
        if times > 1:
            found.append(Violation("duplicate", f"{times} reports from update {update_id}"))
    return found


def new_bot_messages(emu: BotApiEmulator, cursors: dict[int, int]) -> list[SentMessage]:
    """Bot messages sent or edited in any chat since the cursors (each message once)."""
    found: dict[tuple[int, int], SentMessage] = {}
    for chat_id, chat in emu.state.chats.items():
        for event in chat.events[cursors.get(chat_id, 0) :]:
            message = event.message
            if event.kind != "delete" and message.from_bot and not message.deleted:
                found[(chat_id, message.message_id)] = message
    return list(found.values())


def check_answer(emu: BotApiEmulator, watch: StepWatch) -> list[Violation]:
    if watch.actor_chat is None or not watch.private or not watch.expects_answer:
        return []
    chat = watch.actor_chat
    if watch.query is not None and watch.query.answer is None:
        return [Violation("answer", f"press never answered (spinner left): {watch.what}", (chat,))]
    events = emu.chat(chat).events[watch.cursors.get(chat, 0) :]
    seen = any(e.message.from_bot and e.kind != "delete" for e in events)
    if not seen and watch.query is None:
        return [Violation("answer", f"no visible answer to {watch.what}", (chat,))]
    return []


def _has_button(emu: BotApiEmulator, message: SentMessage, label: str) -> bool:
    inline = " ".join(message.button_texts)
    keyboard = " ".join(str(b.get("text", "")) for row in message.reply_keyboard or [] for b in row)
    if not keyboard and message.chat_id > 0 and message.reply_markup is None:
        keyboard = " ".join(
            str(b.get("text", ""))
            for row in emu.current_reply_keyboard(message.chat_id) or []
            for b in row
        )
    return label in inline or label in keyboard


def check_buttons(emu: BotApiEmulator, message: SentMessage) -> list[Violation]:
    found: list[Violation] = []
    text = message.text
    for pattern in _NAMED_BUTTON:
        for label in pattern.findall(text):
            if not _has_button(emu, message, label.strip()):
                found.append(
                    Violation(
                        "buttons",
                        f"asks to press «{label}» but has no such button: «{text[:120]}»",
                        (message.chat_id,),
                    )
                )
    if _BUTTON_BELOW.search(text) and not (
        message.buttons or message.reply_keyboard or _reply_keyboard_shown(emu, message)
    ):
        found.append(
            Violation(
                "buttons",
                f"points at a button below but has none: «{text[:120]}»",
                (message.chat_id,),
            )
        )
    return found


def _reply_keyboard_shown(emu: BotApiEmulator, message: SentMessage) -> bool:
    return message.chat_id > 0 and bool(emu.current_reply_keyboard(message.chat_id))


def _recipient(chat_id: int) -> Actor | None:
    return BY_ID.get(chat_id)


_NUMBER = re.compile(r"(\d{4})\s*[-/]\s*0*(\d{1,6})(?!\d)")
_BIDI = re.compile("[\u200e\u200f\u2066-\u2069\u061c]")


def _illustrations() -> list[str]:
    """The words around a sample tracking number a hint shows (myreports.not_a_number on
    versions that have it): the sample is nobody's report, whatever report has its number."""
    from bot.i18n import get_translator

    found = []
    for lang in ("fa", "en"):
        try:
            shown = get_translator(lang).t("myreports.not_a_number", example="\x00")
        except KeyError:
            continue
        found.append(re.sub("<[^>]+>", "", shown).partition("\x00")[0][-40:])
    return [words for words in found if words]


_ILLUSTRATIONS = _illustrations()


def tracking_numbers(text: str) -> set[tuple[int, int]]:
    """(year, seq) of every tracking number in the text, in any digits."""
    if any(words in _BIDI.sub("", text) for words in _ILLUSTRATIONS):
        return set()  # the hint: its one number is the sample
    plain = _BIDI.sub("", text.translate(_DIGITS))
    return {(int(y), int(n)) for y, n in _NUMBER.findall(plain)}


def typed_numbers(emu: BotApiEmulator, chat_id: int) -> set[tuple[int, int]]:
    """Tracking numbers the person typed themselves: the bot may say them back."""
    found: set[tuple[int, int]] = set()
    for message in emu.messages(chat_id, include_user=True):
        if not message.from_bot:
            found |= tracking_numbers(message.text)
    return found


def contains_marker(text: str, token: str) -> bool:
    """A marker as a whole token: zq2001x124 (step 124) is not in zq2001x1242 (step 1242)."""
    return re.search(re.escape(token) + r"(?!\d)", text) is not None


def check_leaks(
    message: SentMessage,
    rows: Rows,
    agency_ids: dict[str, int],
    typed: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
) -> list[Violation]:
    """Nobody sees what their role may not: another owner's words or phone, an internal
    note (owners), a report never sent to their agency (officers, the agency's group)."""
    chat = message.chat_id
    text = message.text
    recipient = _recipient(chat)
    found: list[Violation] = []
    owner_side = recipient is not None and recipient.is_owner_side
    agency: int | None = None
    if chat == GROUP_ID:
        agency = agency_ids["smt"]
    elif recipient is not None and recipient.kind == "officer" and recipient.agency:
        agency = agency_ids[recipient.agency]
    for match in MARKER.finditer(text):
        author = BY_ID.get(int(match.group(1)))
        token = match.group(0)
        if owner_side and recipient is not None:
            if author is not None and author.is_owner_side and author.user_id != chat:
                found.append(Violation("leak", f"{recipient.key} saw {author.key}'s {token}"))
            if any(contains_marker(note, token) for note in rows.internal_notes):
                found.append(Violation("leak", f"{recipient.key} saw internal note {token}"))
        if agency is not None and author is not None and author.is_owner_side:
            holders = [
                agencies for words, _, agencies in rows.texts if contains_marker(words, token)
            ]
            if holders and not any(agency in agencies for agencies in holders):
                who = "the group" if chat == GROUP_ID else recipient.key if recipient else chat
                found.append(Violation("leak", f"{who} saw {token} of another agency's report"))
    if owner_side:
        # A number typed by the person, or quoted by staff in a note on their own report
        # (an officer may write "see 1405-0001"), is words shown back, not a report shown.
        seen_as_words = typed | rows.quoted.get(chat, set())
        others = {(r.year, r.seq) for r in rows.reports if r.owner_id != chat} - seen_as_words
        for year, seq in tracking_numbers(text) & others:
            found.append(Violation("leak", f"{chat} saw another owner's report {year}-{seq:04d}"))
        digits = digits_only(text)
        for user_id, phones in rows.phones.items():
            if user_id != chat and any(phone in digits for phone in phones):
                found.append(Violation("leak", f"{chat} saw the phone of {user_id}"))
    return [Violation(v.invariant, v.detail, (chat,)) for v in found]


def check_duplicate_notices(
    messages: list[SentMessage], actor_chats: set[int], cursors: dict[int, int]
) -> list[Violation]:
    """A notice (a message to someone who did not act) is sent once per recipient."""
    seen: Counter[tuple[int, str]] = Counter()
    for message in messages:
        if message.chat_id in actor_chats or message.created_seq <= cursors.get(message.chat_id, 0):
            continue
        seen[(message.chat_id, message.source_text or message.text)] += 1
    return [
        Violation("duplicate", f"notice sent {n} times: «{text[:100]}»", (chat,))
        for (chat, text), n in seen.items()
        if n > 1
    ]


def _stats_patterns() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """Per language: the /stats total line (its count captured) and the "none yet" line."""
    from bot.i18n import get_translator

    found = []
    for lang in ("fa", "en"):
        tr = get_translator(lang)
        total = re.sub("<[^>]+>", "", tr.t("stats.total", count="\x00"))
        head, _, tail = re.escape(total).partition("\x00")
        empty = re.sub("<[^>]+>", "", tr.t("stats.empty"))
        found.append((re.compile(head + r"([0-9۰-۹٬,]+)" + tail), re.compile(re.escape(empty))))
    return found


_STATS = _stats_patterns()


def check_counters(message: SentMessage, rows: Rows) -> list[Violation]:
    """What /stats shows agrees with a recount from the rows, now."""
    stored = len(rows.reports)
    text = _BIDI.sub("", message.text)
    for total, empty in _STATS:
        match = total.search(text)
        shown = int(re.sub("[٬,]", "", match.group(1)).translate(_DIGITS)) if match else None
        if shown is None and empty.search(text):
            shown = 0
        if shown is not None and shown != stored:
            return [
                Violation(
                    "counters",
                    f"/stats shows {shown} reports, the rows hold {stored}",
                    (message.chat_id,),
                )
            ]
    return []


def summary(rows: Rows) -> str:
    """How far the flows got: a walk that files and moves no reports finds little."""
    statuses = Counter(r.status for r in rows.reports)
    kinds = Counter(e.kind for events in rows.events.values() for e in events)
    return f"{len(rows.reports)} reports {dict(statuses)}; events {dict(kinds)}"
