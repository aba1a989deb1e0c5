"""Open311 queries: public report rows, channels' keys and the tokens of their POSTs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError

from storage.dto_open311 import ApiKeyDTO, ClientTokenDTO, PublicRequestDTO
from storage.models import Report, Unit
from storage.models_open311 import ApiClientToken, ApiKey
from storage.new_rows import NewApiKey
from storage.repositories.reports import REPORT_HEAD
from storage.repositories.rows import Repository, newest_first, to_dto


@dataclass(frozen=True, slots=True)
class RequestFilter:
    province_id: int
    category_ids: Sequence[int] | None = None
    statuses: Sequence[str] | None = None
    start: datetime | None = None
    end: datetime | None = None


PublicRow = Select[int, int, int, str, int, int, int, datetime, datetime, datetime, str | None]


def _public_select() -> PublicRow:
    # Only public columns are ever selected: a private one cannot leak from here.
    return select(
        *REPORT_HEAD,
        Unit.county_id,
        Report.created_at,
        Report.updated_at,
        Report.due_at,
        Report.channel,
    ).join(Unit, Unit.id == Report.unit_id)


def _row(row: Any) -> PublicRequestDTO:
    return to_dto(PublicRequestDTO, row)


class Open311Repository(Repository):
    async def requests(
        self, where: RequestFilter, *, limit: int, offset: int
    ) -> list[PublicRequestDTO]:
        stmt = _public_select().where(Report.province_id == where.province_id)
        if where.category_ids is not None:
            stmt = stmt.where(Report.category_id.in_(where.category_ids))
        if where.statuses is not None:
            stmt = stmt.where(Report.status.in_(where.statuses))
        if where.start is not None:
            stmt = stmt.where(Report.created_at >= where.start)
        if where.end is not None:
            stmt = stmt.where(Report.created_at <= where.end)
        rows = await self.session.execute(
            stmt.order_by(*newest_first(Report.created_at)).limit(limit).offset(offset)
        )
        return [_row(row) for row in rows]

    async def request(self, province_id: int, year: int, seq: int) -> PublicRequestDTO | None:
        row = (
            await self.session.execute(
                _public_select().where(
                    Report.province_id == province_id, Report.year == year, Report.seq == seq
                )
            )
        ).first()
        return _row(row) if row is not None else None

    async def request_by_id(self, report_id: int) -> PublicRequestDTO | None:
        row = (await self.session.execute(_public_select().where(Report.id == report_id))).first()
        return _row(row) if row is not None else None

    # --- keys ---------------------------------------------------------------------------

    async def add_key(self, new: NewApiKey, *, key_hash: str) -> ApiKeyDTO:
        return to_dto(ApiKeyDTO, await self.inserted(ApiKey, new, key_hash=key_hash))

    async def keys(self, province_id: int) -> list[ApiKeyDTO]:
        return await self.province_dtos(ApiKeyDTO, ApiKey, province_id, ApiKey.id)

    async def key_by_hash(self, province_id: int, key_hash: str) -> ApiKeyDTO | None:
        row = await self.session.scalar(
            select(ApiKey).where(ApiKey.province_id == province_id, ApiKey.key_hash == key_hash)
        )
        return to_dto(ApiKeyDTO, row) if row is not None else None

    async def revoke_key(self, province_id: int, key_id: int, when: datetime) -> bool:
        return await self.set_once(
            ApiKey.revoked_at, when, ApiKey.province_id == province_id, ApiKey.id == key_id
        )

    # --- client tokens ------------------------------------------------------------------

    async def claim_token(
        self, *, province_id: int, channel: str, token: str, api_key_id: int, when: datetime
    ) -> ClientTokenDTO | None:
        """Claim a token for a new POST; None when the channel used it before."""
        row = ApiClientToken(
            province_id=province_id,
            channel=channel,
            token=token,
            api_key_id=api_key_id,
            created_at=when,
        )
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return None
        return ClientTokenDTO(id=row.id, token=token, channel=channel, report_id=None)

    async def token(self, province_id: int, channel: str, token: str) -> ClientTokenDTO | None:
        row = await self.session.scalar(
            select(ApiClientToken).where(
                ApiClientToken.province_id == province_id,
                ApiClientToken.channel == channel,
                ApiClientToken.token == token,
            )
        )
        return ClientTokenDTO(row.id, row.token, row.channel, row.report_id) if row else None

    async def tokens(self, province_id: int, token: str) -> list[ClientTokenDTO]:
        rows = await self.session.scalars(
            select(ApiClientToken)
            .where(ApiClientToken.province_id == province_id, ApiClientToken.token == token)
            .order_by(ApiClientToken.id)
        )
        return [ClientTokenDTO(r.id, r.token, r.channel, r.report_id) for r in rows]

    async def same_filing(
        self,
        province_id: int,
        channel: str,
        since: datetime,
        *,
        unit_id: int,
        category_id: int,
        description: str,
        amount_rials: int | None,
    ) -> tuple[int, str] | None:
        """The newest report (its id and token) the channel filed since then with this unit,
        category, description and amount: the report a retried POST filed."""
        row = (
            await self.session.execute(
                select(Report.id, ApiClientToken.token)
                .join(ApiClientToken, ApiClientToken.report_id == Report.id)
                .where(
                    Report.province_id == province_id,
                    ApiClientToken.channel == channel,
                    Report.created_at >= since,
                    Report.unit_id == unit_id,
                    Report.category_id == category_id,
                    Report.description == description,
                    Report.amount_rials == amount_rials,  # IS NULL for None
                )
                .order_by(Report.id.desc())
                .limit(1)
            )
        ).first()
        return (row.id, row.token) if row is not None else None

    async def set_token_report(
        self, province_id: int, channel: str, token: str, report_id: int
    ) -> None:
        await self.session.execute(
            update(ApiClientToken)
            .where(
                ApiClientToken.province_id == province_id,
                ApiClientToken.channel == channel,
                ApiClientToken.token == token,
            )
            .values(report_id=report_id)
        )

    async def release_token(self, province_id: int, channel: str, token: str) -> None:
        """Forget a claim whose report was refused, so the channel may fix and retry."""
        row = await self.session.scalar(
            select(ApiClientToken).where(
                ApiClientToken.province_id == province_id,
                ApiClientToken.channel == channel,
                ApiClientToken.token == token,
                ApiClientToken.report_id.is_(None),
            )
        )
        if row is not None:
            await self.session.delete(row)

    async def filed_since(self, api_key_id: int, since: datetime) -> int:
        return await self.count(
            ApiClientToken,
            ApiClientToken.api_key_id == api_key_id,
            ApiClientToken.created_at >= since,
        )

    async def oldest_filed_since(self, api_key_id: int, since: datetime) -> datetime | None:
        value = await self.session.scalar(
            select(func.min(ApiClientToken.created_at)).where(
                ApiClientToken.api_key_id == api_key_id, ApiClientToken.created_at >= since
            )
        )
        return value if isinstance(value, datetime) else None
