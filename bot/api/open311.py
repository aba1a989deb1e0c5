"""GeoReport v2 over the report service: public reads, and filing for a channel.

Everything returned here is a plain JSON-ready dict of public fields. The owner, the unit's
name and phone, the description, notes and actors are never read into these answers (the
repository does not even select them), so no endpoint can leak them.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
import secrets
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.i18n import get_translator, languages
from bot.services.base import ProvinceService
from bot.services.directory import Directory
from bot.services.reports import ReportDraft, ReportError, ReportService, Submission
from bot.text import format_tracking_number, to_latin_digits
from bot.views.common import status_label
from storage.db import Database
from storage.dto import CategoryDTO, UnitDTO
from storage.dto_open311 import ApiKeyDTO, ClientTokenDTO, PublicRequestDTO
from storage.models import CLOSED_REPORT_STATUSES, ReportStatus
from storage.repositories.open311 import Open311Repository, RequestFilter
from storage.repositories.units import UnitRepository

JSON = dict[str, Any]
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 10_000
DAY = timedelta(days=1)
OPEN = tuple(s.value for s in ReportStatus if s.value not in CLOSED_REPORT_STATUSES)
CLOSED = tuple(sorted(CLOSED_REPORT_STATUSES))
_ID_RE = re.compile(r"^([0-9]{4})-([0-9]{1,8})$")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_INT_RE = re.compile(r"^[0-9]{1,18}$")


class Open311Error(Exception):
    """An answer in the spec's error format; `reason` is an open311.error_* catalog key."""

    def __init__(self, status: int, reason: str, *, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class RequestQuery:
    service_codes: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    start: datetime | None = None
    end: datetime | None = None
    ids: tuple[str, ...] | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class Filing:
    service_code: str
    description: str
    unit_id: int
    phone: str
    amount_rials: int | None = None
    sector_code: str | None = None
    token: str | None = None


@dataclass(frozen=True, slots=True)
class Filed:
    submission: Submission
    token: str
    channel: str


def pick_language(query_lang: str | None, accept_language: str | None, default: str) -> str:
    """?lang= first, then the first Accept-Language the bot speaks, else the default."""
    supported = languages()
    if query_lang:
        code = query_lang.strip().lower()[:2]
        if code in supported:
            return code
    if accept_language:
        ranked: list[tuple[float, str]] = []
        for part in accept_language.split(","):
            tag, _, params = part.strip().partition(";")
            q = 1.0
            if params.strip().startswith("q="):
                try:
                    q = float(params.strip()[2:])
                except ValueError:
                    q = 0.0
            if q > 0:  # q=0 is "not this one" (RFC 9110)
                ranked.append((q, tag.strip().lower()[:2]))
        for _q, code in sorted(ranked, key=lambda item: -item[0]):
            if code in supported:
                return code
    return default


def parse_when(value: str, tz: ZoneInfo) -> datetime:
    """An ISO 8601 date or time; without an offset it is Tehran's (the province's) time."""
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise Open311Error(400, "date") from error
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    if not 1900 <= when.year <= 2200:
        # A well-formed date out of range (.NET's DateTime.MinValue as "no bound"): say so.
        raise Open311Error(400, "date_range")
    return when


def parse_int(value: str, reason: str, *, low: int = 1, high: int = 10**16) -> int:
    text = to_latin_digits(value.strip())
    if not _INT_RE.match(text) or not low <= int(text) <= high:
        raise Open311Error(400, reason)
    return int(text)


def _content_key(filing: Filing) -> str:
    return hashlib.sha256(
        repr(
            (filing.unit_id, filing.service_code, filing.description.strip(), filing.amount_rials)
        ).encode("utf-8")
    ).hexdigest()


def phone_digits(phone: str) -> str:
    """The last ten digits: +98 912..., 0912... and 912... are one number."""
    return "".join(ch for ch in to_latin_digits(phone) if ch.isdigit())[-10:]


class Open311Service(ProvinceService):
    def __init__(
        self,
        database: Database,
        directory: Directory,
        reports: ReportService,
        clock: Clock,
        tz: ZoneInfo,
    ) -> None:
        super().__init__(database, directory, clock)
        self._reports = reports
        self.tz = tz
        # Locks live while someone holds or awaits them, then go (a weak mapping).
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def iso(self, when: datetime) -> str:
        return when.astimezone(self.tz).isoformat(timespec="seconds")

    # --- services -------------------------------------------------------------------------

    def _service(self, category: CategoryDTO, lang: str) -> JSON:
        tr = get_translator(lang)
        agency = self._directory.agency(category.default_agency_id)
        return {
            "service_code": category.code,
            "service_name": category.name(lang),
            "description": tr.t(
                "open311.service_description",
                agency=agency.name(lang),
                days=category.deadline_days,
            ),
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": tr.t(f"open311.kind_{agency.kind}")
            if tr.has(f"open311.kind_{agency.kind}")
            else agency.kind,
        }

    def services(self, lang: str) -> list[JSON]:
        return [self._service(c, lang) for c in self._directory.categories]

    def definition(self, code: str, lang: str) -> JSON:
        category = self._directory.category_by_code(code)
        if category is None:
            raise Open311Error(404, "service")
        tr = get_translator(lang)
        attributes: list[JSON] = [
            {
                "variable": True,
                "code": "unit",
                "datatype": "number",
                "required": True,
                "datatype_description": tr.t("open311.attr_unit_help"),
                "order": 1,
                "description": tr.t("open311.attr_unit"),
            },
            {
                "variable": True,
                "code": "sector",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": tr.t("open311.attr_sector_help"),
                "order": 2,
                "description": tr.t("open311.attr_sector"),
                "values": [{"key": s.code, "name": s.name(lang)} for s in self._directory.sectors],
            },
        ]
        if category.financial:
            attributes.append(
                {
                    "variable": True,
                    "code": "amount",
                    "datatype": "number",
                    "required": False,
                    "datatype_description": tr.t("open311.attr_amount_help"),
                    "order": 3,
                    "description": tr.t("open311.attr_amount"),
                }
            )
        return {"service_code": category.code, "attributes": attributes}

    # --- requests -------------------------------------------------------------------------

    def public(self, row: PublicRequestDTO, lang: str) -> JSON:
        tr = get_translator(lang)
        category = self._directory.category(row.category_id)
        closed = row.status in CLOSED_REPORT_STATUSES
        return {
            "service_request_id": format_tracking_number(row.year, row.seq),
            "status": "closed" if closed else "open",
            "status_notes": status_label(tr, row.status, staff=True),
            "service_name": category.name(lang),
            "service_code": category.code,
            "agency_responsible": self._directory.agency(row.agency_id).name(lang),
            "requested_datetime": self.iso(row.created_at),
            "updated_datetime": self.iso(row.updated_at),
            "expected_datetime": None if closed else self.iso(row.due_at),
            "address": self._directory.county(row.county_id).name(lang),
        }

    async def requests(self, query: RequestQuery, lang: str) -> list[JSON]:
        province_id = self._directory.province_id
        async with self._db.session() as session:
            repo = Open311Repository(session)
            if query.ids is not None:
                found = [await self._by_number(repo, number) for number in query.ids]
                # One entry a report, however often (or in whichever spelling) it was asked.
                unique = {row.id: row for row in found if row is not None}
                return [self.public(row, lang) for row in unique.values()]
            category_ids: list[int] | None = None
            if query.service_codes is not None:
                categories = (self._directory.category_by_code(c) for c in query.service_codes)
                category_ids = [c.id for c in categories if c is not None]
            statuses: list[str] | None = None
            if query.statuses is not None:
                statuses = [
                    s for name in query.statuses for s in (OPEN if name == "open" else CLOSED)
                ]
            rows = await repo.requests(
                RequestFilter(province_id, category_ids, statuses, query.start, query.end),
                limit=query.page_size,
                offset=(query.page - 1) * query.page_size,
            )
        return [self.public(row, lang) for row in rows]

    async def _by_number(self, repo: Open311Repository, number: str) -> PublicRequestDTO | None:
        match = _ID_RE.match(to_latin_digits(number.strip()))
        if match is None:
            return None
        return await repo.request(
            self._directory.province_id, int(match.group(1)), int(match.group(2))
        )

    async def request(self, number: str, lang: str) -> JSON:
        async with self._db.session() as session:
            row = await self._by_number(Open311Repository(session), number)
        if row is None:
            raise Open311Error(404, "request")
        return self.public(row, lang)

    async def tokens(self, token: str) -> list[JSON]:
        if not _TOKEN_RE.match(token):
            raise Open311Error(404, "token")
        async with self._db.session() as session:
            repo = Open311Repository(session)
            found = await repo.tokens(self._directory.province_id, token)
            answers: list[JSON] = []
            for item in found:
                if item.report_id is None:
                    continue
                row = await repo.request_by_id(item.report_id)
                if row is not None:
                    answers.append(
                        {
                            "service_request_id": format_tracking_number(row.year, row.seq),
                            "token": item.token,
                        }
                    )
        if not answers:
            raise Open311Error(404, "token")
        return answers

    # --- filing ---------------------------------------------------------------------------

    async def file(self, key: ApiKeyDTO, filing: Filing) -> Filed:
        """File a report for a channel: the same report service, routing and deadline as
        the chat. The same token again returns the report it filed first."""
        category = self._directory.category_by_code(filing.service_code)
        if category is None:
            raise Open311Error(400, "service")
        if filing.token is not None and not _TOKEN_RE.match(filing.token):
            raise Open311Error(400, "token_format")
        # One filing per token at a time: two clerks sending the same call at once get one
        # report. One process serves the API (beside the bot), so a lock in memory holds;
        # the database alone would not serialise them on PostgreSQL. Without a token the
        # lock is the filing's content (a NUL cannot be in a token, so the two never meet).
        held = filing.token if filing.token is not None else "\x00" + _content_key(filing)
        lock = self._locks.setdefault((key.channel, held), asyncio.Lock())
        async with lock:
            if filing.token is None:
                retried = await self._retried(key, filing, category)
                if retried is not None:
                    return retried
            return await self._file(key, filing, category, filing.token or secrets.token_hex(12))

    async def _retried(self, key: ApiKeyDTO, filing: Filing, category: CategoryDTO) -> Filed | None:
        """The report this channel filed for the same unit, category and words within the
        day: a POST without a token retried after a timeout (the spec has no client token,
        so most clients send none) would otherwise file the obstacle twice."""
        async with self._db.session() as session:
            unit = await UnitRepository(session).get(filing.unit_id)
            if unit is None or self._unit_problem(unit, filing) is not None:
                return None  # _file refuses it, as it would the first time
            same = await Open311Repository(session).same_filing(
                self._directory.province_id,
                key.channel,
                self._clock.now() - DAY,
                unit_id=unit.id,
                category_id=category.id,
                description=filing.description.strip(),
                amount_rials=filing.amount_rials,
            )
        return None if same is None else await self._filed_before(*same, key.channel)

    async def _filed_before(self, report_id: int, token: str, channel: str) -> Filed:
        earlier = await self._reports.get(report_id)
        assert earlier is not None
        agency = self._directory.agency(earlier.agency_id)
        return Filed(Submission(earlier, agency, True), token, channel)

    async def _file(
        self, key: ApiKeyDTO, filing: Filing, category: CategoryDTO, token: str
    ) -> Filed:
        province_id = self._directory.province_id
        now = self._clock.now()
        async with self._db.transaction() as session:
            claim = await self._claim(Open311Repository(session), key, token, now)
            unit = await UnitRepository(session).get(filing.unit_id)
        if claim.report_id is not None:
            return await self._filed_before(claim.report_id, token, key.channel)
        problem = self._unit_problem(unit, filing)
        if problem is not None:
            await self._release(key.channel, token)
            raise Open311Error(400, problem)
        assert unit is not None
        draft = ReportDraft(
            unit_id=unit.id,
            category_id=category.id,
            description=filing.description.strip(),
            amount_rials=filing.amount_rials,
        )
        try:
            # The claim's id, negated, is the "update" the service deduplicates on: a POST
            # retried after a crash finds the report it filed (chat update ids are > 0).
            submission = await self._reports.submit(
                unit.owner_id, draft, update_id=-claim.id, channel=key.channel
            )
        except ReportError as error:
            await self._release(key.channel, token)
            raise Open311Error(400, f"report_{error.reason}") from error
        async with self._db.transaction() as session:
            await Open311Repository(session).set_token_report(
                province_id, key.channel, token, submission.report.id
            )
        return Filed(submission, token, key.channel)

    async def _claim(
        self, repo: Open311Repository, key: ApiKeyDTO, token: str, now: datetime
    ) -> ClientTokenDTO:
        """The channel's token, claimed now unless it was before; a new claim counts against
        the key's daily limit."""
        province_id = self._directory.province_id
        claim = await repo.token(province_id, key.channel, token)
        if claim is not None:
            return claim
        if await repo.filed_since(key.id, now - DAY) >= key.per_day:
            oldest = await repo.oldest_filed_since(key.id, now - DAY)
            wait = (oldest + DAY - now) if oldest else DAY
            raise Open311Error(429, "per_day", retry_after=max(1, math.ceil(wait.total_seconds())))
        claim = await repo.claim_token(
            province_id=province_id, channel=key.channel, token=token, api_key_id=key.id, when=now
        )
        if claim is None:  # claimed by a concurrent POST a moment ago
            claim = await repo.token(province_id, key.channel, token)
        assert claim is not None
        return claim

    def _unit_problem(self, unit: UnitDTO | None, filing: Filing) -> str | None:
        """Why the filing may not name this unit ("unit" or "sector"); None when it may.
        One answer for "no such unit" and "not that phone": numbers cannot be probed."""
        if (
            unit is None
            or unit.province_id != self._directory.province_id
            or not phone_digits(filing.phone)
            or phone_digits(unit.phone) != phone_digits(filing.phone)
        ):
            return "unit"
        if filing.sector_code is not None:
            sector = self._directory.sector_by_code(filing.sector_code)
            if sector is None or sector.id != unit.sector_id:
                return "sector"
        return None

    async def _release(self, channel: str, token: str) -> None:
        async with self._db.transaction() as session:
            await Open311Repository(session).release_token(
                self._directory.province_id, channel, token
            )
