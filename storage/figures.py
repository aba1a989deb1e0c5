"""The one place where the figures behind /stats and /loans are kept up to date.

The repositories that write reports, their events and imported loans call FigureWriter in
the same transaction (ReportRepository.add / add_event, WorkflowRepository.update_report,
LoanRepository.add_import), so a figure is never older than the rows it counts. Counters
change by `n = n + delta` upserts, never read-modify-write, so concurrent writers on
PostgreSQL add up instead of overwriting each other; each statement touches its rows in
key order, so two writers lock them in the same order.

`recount_selects` states every figure as a query over the rows. The migration's backfill,
the benchmark generator's bulk load and the tests' invariant (maintained == recount) all
use it, so the definitions cannot drift apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import lock_rows, upsert_insert
from storage.models import CLOSED_REPORT_STATUSES, Report, ReportEvent, ReportStatus, Unit
from storage.models_figures import (
    LoanFigure,
    ReportCount,
    ReportCreatedSlot,
    ReportDurationCount,
    ReportDurationMedian,
    ReportOpenDue,
)
from storage.new_rows import NewReportEvent

SLOT_S: Final = 900  # the weekly trend's 15-minute slots
DUE_BUCKET_S: Final = 2**21  # about 24 days: the open reports' due buckets
OPEN_STATUSES: Final = tuple(s.value for s in ReportStatus if s not in CLOSED_REPORT_STATUSES)
RESOLVED_STATUSES: Final = (ReportStatus.RESOLVED.value,)
# Events that are not a response: the owner's submission and the automatic routing.
NOT_RESPONSES: Final = ("submitted", "routed")
REPORT_DIMENSIONS: Final = ("status", "category", "agency", "county", "sector")
LOAN_DIMENSIONS: Final = ("bank", "sector", "county", "type", "stage", "month")
LOAN_COLUMNS: Final = {
    "bank": "bank_id",
    "sector": "sector_id",
    "county": "county_id",
    "type": "loan_type",
    "stage": "stage",
    "month": "month",
}
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# The figure tables, in the order a rebuild fills them.
FIGURE_TABLES: Final[tuple[sa.Table, ...]] = tuple(
    cast(sa.Table, model.__table__)
    for model in (
        ReportCount,
        ReportCreatedSlot,
        ReportOpenDue,
        ReportDurationCount,
        ReportDurationMedian,
        LoanFigure,
    )
)


def epoch_s(moment: datetime) -> int:
    """Whole seconds since the epoch, floored (exact: no float on the way)."""
    return (moment - EPOCH) // timedelta(seconds=1)


def duration_minutes(seconds: int) -> int:
    """A duration at the precision /stats shows it: minutes under an hour, then hours."""
    if seconds < 0:
        return 0
    if seconds < 3600:
        return seconds // 60
    return seconds // 3600 * 60


def loan_key(value: object) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class ReportState:
    """What of a report the figures depend on and the workflow may change."""

    status: str
    agency_id: int
    due_at: datetime

    @property
    def open_due(self) -> tuple[int, int] | None:
        if self.status not in OPEN_STATUSES:
            return None
        return self.agency_id, epoch_s(self.due_at) // DUE_BUCKET_S


class FigureWriter:
    """Applies the changes of one write to the maintained figures, in its transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def report_added(
        self,
        *,
        province_id: int,
        unit_id: int,
        category_id: int,
        state: ReportState,
        created_at: datetime,
    ) -> None:
        place = (
            await self.session.execute(
                sa.select(Unit.county_id, Unit.sector_id).where(Unit.id == unit_id)
            )
        ).one()
        counts: Counter[tuple[str, str]] = Counter(
            {
                ("status", state.status): 1,
                ("category", str(category_id)): 1,
                ("agency", str(state.agency_id)): 1,
                ("county", str(place[0])): 1,
                ("sector", str(place[1])): 1,
            }
        )
        await self._counts(province_id, counts)
        await self._add(
            ReportCreatedSlot,
            ["province_id", "slot"],
            [{"province_id": province_id, "slot": epoch_s(created_at) // SLOT_S, "n": 1}],
        )
        await self._open_due(province_id, None, state.open_due)

    async def report_changed(
        self, *, report_id: int, province_id: int, before: ReportState, after: ReportState
    ) -> None:
        counts: Counter[tuple[str, str]] = Counter()
        if before.status != after.status:
            counts[("status", before.status)] -= 1
            counts[("status", after.status)] += 1
        if before.agency_id != after.agency_id:
            counts[("agency", str(before.agency_id))] -= 1
            counts[("agency", str(after.agency_id))] += 1
            # The medians are per responsible agency: the report's durations move with it.
            firsts = await self._firsts(report_id)
            moves: Counter[tuple[str, int, int]] = Counter()
            for kind, minutes in firsts.items():
                moves[(kind, before.agency_id, minutes)] -= 1
                moves[(kind, after.agency_id, minutes)] += 1
            await self.durations_changed(province_id, moves)
        await self._counts(province_id, counts)
        if before.open_due != after.open_due:
            await self._open_due(province_id, before.open_due, after.open_due)

    async def event_added(self, event: NewReportEvent) -> None:
        """Call before the event is added: the report's earlier firsts are read first."""
        report_id, actor_id, created_at = event.report_id, event.actor_id, event.created_at
        kind, to_status = event.kind, event.to_status
        maybe_response = actor_id is not None and kind not in NOT_RESPONSES
        is_resolution = to_status in RESOLVED_STATUSES
        if not (maybe_response or is_resolution):
            return  # the submission, the routing, system moves: no duration changes
        report = await self.session.get(Report, report_id)
        if report is None:
            raise LookupError(report_id)
        is_response = maybe_response and actor_id != report.owner_id
        if not (is_response or is_resolution):
            return
        earlier = await self._first_moments(report_id, report.owner_id)
        created = epoch_s(report.created_at)
        moves: Counter[tuple[str, int, int]] = Counter()
        for name, applies in (("response", is_response), ("resolution", is_resolution)):
            before = earlier.get(name)
            if not applies or (before is not None and before <= created_at):
                continue
            if before is not None:
                moves[(name, report.agency_id, self._minutes(before, created))] -= 1
            moves[(name, report.agency_id, self._minutes(created_at, created))] += 1
        await self.durations_changed(report.province_id, moves)

    @staticmethod
    def _minutes(moment: datetime, created: int) -> int:
        return duration_minutes(epoch_s(moment) - created)

    async def _first_moments(self, report_id: int, owner_id: int) -> dict[str, datetime]:
        await self.session.flush()  # events added earlier in this transaction count too
        # Two writers must not both take their event for the report's first response: the
        # report row is locked on PostgreSQL (the workflow holds it already; the HQ may not).
        # SQLite serialises write transactions anyway and renders no FOR UPDATE.
        await lock_rows(
            self.session, sa.select(Report.id).where(Report.id == report_id).with_for_update()
        )
        e = ReportEvent
        is_response = sa.and_(
            e.actor_id.is_not(None), e.actor_id != owner_id, e.kind.not_in(NOT_RESPONSES)
        )
        row = (
            await self.session.execute(
                sa.select(
                    sa.func.min(sa.case((is_response, e.created_at))),
                    sa.func.min(sa.case((e.to_status.in_(RESOLVED_STATUSES), e.created_at))),
                ).where(e.report_id == report_id)
            )
        ).one()
        found = {"response": row[0], "resolution": row[1]}
        return {k: v for k, v in found.items() if v is not None}

    async def _firsts(self, report_id: int) -> dict[str, int]:
        report = await self.session.get(Report, report_id)
        assert report is not None
        created = epoch_s(report.created_at)
        moments = await self._first_moments(report_id, report.owner_id)
        return {k: self._minutes(v, created) for k, v in moments.items()}

    async def _counts(self, province_id: int, counts: Counter[tuple[str, str]]) -> None:
        await self._add_deltas(ReportCount, ["dimension", "key"], province_id, counts)

    async def _open_due(
        self, province_id: int, before: tuple[int, int] | None, after: tuple[int, int] | None
    ) -> None:
        moves: Counter[tuple[int, int]] = Counter()
        if before is not None:
            moves[before] -= 1
        if after is not None:
            moves[after] += 1
        await self._add_deltas(ReportOpenDue, ["agency_id", "bucket"], province_id, moves)

    async def durations_changed(
        self, province_id: int, moves: Counter[tuple[str, int, int]]
    ) -> None:
        """Apply (kind, agency, minutes) -> delta to the histograms and their medians."""
        keys = ["kind", "agency_id", "minutes"]
        await self._add_deltas(ReportDurationCount, keys, province_id, moves)
        changes: dict[tuple[str, int], list[tuple[int, int]]] = {}
        for (kind, agency_id, minutes), n in sorted(moves.items()):
            if n:
                changes.setdefault((kind, agency_id), []).append((minutes, n))
        for (kind, agency_id), deltas in changes.items():
            await self._median(province_id, kind, agency_id, deltas)

    async def _median(
        self, province_id: int, kind: str, agency_id: int, deltas: list[tuple[int, int]]
    ) -> None:
        """Move the median's bucket after the histogram changed by `deltas`."""
        m, h = ReportDurationMedian, ReportDurationCount
        key = {"province_id": province_id, "kind": kind, "agency_id": agency_id}
        insert = upsert_insert(self.session, m).values(**key, total=0, below=0, minutes=0)
        await self.session.execute(insert.on_conflict_do_nothing())
        where = (m.province_id == province_id) & (m.kind == kind) & (m.agency_id == agency_id)
        row = (
            await self.session.execute(
                sa.select(m.total, m.below, m.minutes).where(where).with_for_update()
            )
        ).one()
        total, below, minutes = int(row[0]), int(row[1]), int(row[2])
        if total == 0:  # a fresh start: everything is at or above the smallest new value
            below, minutes = 0, min((b for b, n in deltas if n > 0), default=0)
        for bucket, n in deltas:
            total += n
            if bucket < minutes:
                below += n
        same = (h.province_id == province_id) & (h.kind == kind) & (h.agency_id == agency_id)
        low = (total + 1) // 2
        while total and below >= low:  # the middle moved under this bucket
            step = (
                await self.session.execute(
                    sa.select(h.minutes, h.n)
                    .where(same, h.minutes < minutes, h.n > 0)
                    .order_by(h.minutes.desc())
                    .limit(1)
                )
            ).one()
            minutes, below = int(step[0]), below - int(step[1])
        while total:
            here = await self.session.scalar(sa.select(h.n).where(same, h.minutes == minutes))
            if below + int(here or 0) >= low:
                break
            below += int(here or 0)
            minutes = int(
                (
                    await self.session.execute(
                        sa.select(h.minutes)
                        .where(same, h.minutes > minutes, h.n > 0)
                        .order_by(h.minutes)
                        .limit(1)
                    )
                ).scalar_one()
            )
        if not total:
            below = minutes = 0
        await self.session.execute(
            sa.update(m).where(where).values(total=total, below=below, minutes=minutes)
        )

    async def loans_imported(self, province_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
        """Add an import's facilities to its years' breakdowns."""
        sums: dict[tuple[int, str, str, str], list[int]] = {}
        for row in rows:
            for dimension in LOAN_DIMENSIONS:
                key = (
                    int(row["year"]),
                    dimension,
                    str(row["stage"]),
                    loan_key(row.get(LOAN_COLUMNS[dimension])),
                )
                total = sums.setdefault(key, [0, 0])
                total[0] += 1
                total[1] += int(row["amount_rials"])
        await self._add(
            LoanFigure,
            ["province_id", "year", "dimension", "stage", "key"],
            [
                {
                    "province_id": province_id,
                    "year": year,
                    "dimension": dimension,
                    "stage": stage,
                    "key": key,
                    "count": count,
                    "amount_rials": amount,
                }
                for (year, dimension, stage, key), (count, amount) in sorted(sums.items())
            ],
            ("count", "amount_rials"),
        )

    async def _add_deltas(
        self, model: Any, keys: list[str], province_id: int, deltas: Counter[Any]
    ) -> None:
        """Add each non-zero delta to the province's counter row named by its key tuple,
        whose parts are the columns `keys`, in sorted key order (a steady lock order)."""
        rows = [
            {"province_id": province_id, **dict(zip(keys, key, strict=True)), "n": n}
            for key, n in sorted(deltas.items())
            if n
        ]
        await self._add(model, ["province_id", *keys], rows)

    async def _add(
        self,
        model: Any,
        keys: list[str],
        rows: list[dict[str, Any]],
        values: Iterable[str] = ("n",),
    ) -> None:
        if not rows:
            return
        # The rows go as parameters (one executemany), not as literal VALUES: a statement
        # with its rows built in has no cache key, so SQLAlchemy would compile it afresh on
        # every filing. On the Table, not the mapped class: no ORM bulk bookkeeping.
        table = model.__table__
        insert = upsert_insert(self.session, table)
        await self.session.execute(
            insert.on_conflict_do_update(
                index_elements=keys,
                set_={v: table.c[v] + insert.excluded[v] for v in values},
            ),
            rows,
        )


# --------------------------------------------------------------------- the recount


_reports = sa.table(
    "reports",
    *(
        sa.column(name)
        for name in (
            "id",
            "province_id",
            "unit_id",
            "owner_id",
            "category_id",
            "agency_id",
            "status",
            "created_at",
            "due_at",
        )
    ),
)
_units = sa.table("units", sa.column("id"), sa.column("county_id"), sa.column("sector_id"))
_events = sa.table(
    "report_events",
    *(sa.column(n) for n in ("report_id", "actor_id", "kind", "to_status", "created_at")),
)
_loans = sa.table(
    "loan_facilities",
    *(sa.column(n) for n in ("province_id", "year", "stage", "amount_rials")),
    *(sa.column(c) for c in LOAN_COLUMNS.values() if c != "stage"),
)


def epoch_sql(dialect: str, column: Any) -> Any:
    """Whole seconds since the epoch of a stored timestamp, as an integer SQL expression."""
    if dialect == "postgresql":
        return sa.cast(sa.func.floor(sa.extract("epoch", column)), sa.BigInteger)
    if dialect == "sqlite":
        return sa.cast(sa.func.strftime("%s", column), sa.BigInteger)
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


def _minutes_sql(seconds: Any) -> Any:
    return sa.case(
        (seconds < 0, 0),
        (seconds < 3600, seconds // 60),
        else_=seconds // 3600 * 60,
    )


def _text(column: Any) -> Any:
    return sa.func.coalesce(sa.cast(column, sa.String(32)), "")


def recount_selects(dialect: str) -> dict[str, sa.Select[Any]]:
    """Each figure table's rows, computed from the reports, events and facilities."""
    r, u, f = _reports, _units, _loans
    count = sa.func.count().label("n")
    by_report = [
        sa.select(
            r.c.province_id,
            sa.literal(dimension, sa.String(16)).label("dimension"),
            sa.cast(column, sa.String(32)).label("key"),
            count,
        )
        .select_from(r.join(u, u.c.id == r.c.unit_id) if table is u else r)
        .group_by(r.c.province_id, column)
        for dimension, table, column in (
            ("status", r, r.c.status),
            ("category", r, r.c.category_id),
            ("agency", r, r.c.agency_id),
            ("county", u, u.c.county_id),
            ("sector", u, u.c.sector_id),
        )
    ]
    slot = (epoch_sql(dialect, r.c.created_at) // SLOT_S).label("slot")
    due = (epoch_sql(dialect, r.c.due_at) // DUE_BUCKET_S).label("bucket")
    durations = _duration_selects(dialect)
    loans = [
        sa.select(
            f.c.province_id,
            f.c.year,
            sa.literal(dimension, sa.String(8)).label("dimension"),
            f.c.stage,
            _text(f.c[column]).label("key"),
            sa.func.count().label("count"),
            sa.func.coalesce(sa.func.sum(f.c.amount_rials), 0).label("amount_rials"),
        ).group_by(f.c.province_id, f.c.year, f.c.stage, f.c[column])
        for dimension, column in LOAN_COLUMNS.items()
    ]
    return {
        "report_counts": sa.union_all(*by_report).subquery().select(),
        "report_created_slots": sa.select(r.c.province_id, slot, count).group_by(
            r.c.province_id, slot
        ),
        "report_open_due": sa.select(r.c.province_id, r.c.agency_id, due, count)
        .where(r.c.status.in_(OPEN_STATUSES))
        .group_by(r.c.province_id, r.c.agency_id, due),
        "report_duration_counts": sa.union_all(*durations).subquery().select(),
        "loan_figures": sa.union_all(*loans).subquery().select(),
    }


def _duration_selects(dialect: str) -> list[sa.Select[Any]]:
    """The histograms of minutes to each report's first response and first resolution,
    per province and agency."""
    r, e = _reports, _events
    is_response = sa.and_(
        e.c.actor_id.is_not(None),
        e.c.actor_id != r.c.owner_id,
        e.c.kind.not_in(NOT_RESPONSES),
    )
    moment = epoch_sql(dialect, e.c.created_at)
    firsts = (
        sa.select(
            r.c.province_id,
            r.c.agency_id,
            epoch_sql(dialect, r.c.created_at).label("created"),
            sa.func.min(sa.case((is_response, moment))).label("response"),
            sa.func.min(sa.case((e.c.to_status.in_(RESOLVED_STATUSES), moment))).label(
                "resolution"
            ),
        )
        .select_from(r.join(e, e.c.report_id == r.c.id))
        .group_by(r.c.id, r.c.province_id, r.c.agency_id, r.c.created_at)
        .subquery("firsts")
    )
    durations = []
    for kind in ("response", "resolution"):
        minutes = _minutes_sql(firsts.c[kind] - firsts.c.created).label("minutes")
        durations.append(
            sa.select(
                firsts.c.province_id,
                sa.literal(kind, sa.String(12)).label("kind"),
                firsts.c.agency_id,
                minutes,
                sa.func.count().label("n"),
            )
            .where(firsts.c[kind].is_not(None))
            .group_by(firsts.c.province_id, firsts.c.agency_id, minutes)
        )
    return durations


def medians_of(histogram: Iterable[Sequence[Any]]) -> list[tuple[int, str, int, int, int, int]]:
    """(province, kind, agency, total, below, minutes) of the lower middle rank, from
    histogram rows (province, kind, agency, minutes, n) in any order."""
    groups: dict[tuple[int, str, int], list[tuple[int, int]]] = {}
    for province_id, kind, agency_id, minutes, n in histogram:
        if int(n):
            groups.setdefault((int(province_id), str(kind), int(agency_id)), []).append(
                (int(minutes), int(n))
            )
    found = []
    for (province_id, kind, agency_id), buckets in sorted(groups.items()):
        buckets.sort()
        total = sum(n for _, n in buckets)
        low, below = (total + 1) // 2, 0
        for minutes, n in buckets:
            if below + n >= low:
                found.append((province_id, kind, agency_id, total, below, minutes))
                break
            below += n
    return found


def rebuild_figures(connection: Connection) -> None:
    """Recount every figure table from the rows (the migration's backfill, bulk loads)."""
    selects = recount_selects(connection.dialect.name)
    for table in FIGURE_TABLES:
        connection.execute(sa.delete(table))
        if table.name == ReportDurationMedian.__tablename__:
            histogram = connection.execute(sa.select(*ReportDurationCount.__table__.columns))
            fields = ("province_id", "kind", "agency_id", "total", "below", "minutes")
            rows = [dict(zip(fields, row, strict=True)) for row in medians_of(histogram)]
            if rows:
                connection.execute(sa.insert(table), rows)
            continue
        select = selects[table.name]
        names = [c.name for c in select.selected_columns]
        connection.execute(sa.insert(table).from_select(names, select))


Figures = dict[str, list[tuple[Any, ...]]]


# Where a table's count is, for leaving out rows that count nothing.
_COUNT_AT: Final = {LoanFigure.__tablename__: 5, ReportDurationMedian.__tablename__: 3}


def _rows(result: Iterable[Sequence[Any]], name: str) -> list[tuple[Any, ...]]:
    """Rows with a non-zero count, normalised for comparison, in a stable order."""
    count_at = _COUNT_AT.get(name, -1)
    found = [tuple(int(v) if isinstance(v, int | Decimal) else v for v in row) for row in result]
    return sorted((row for row in found if row[count_at]), key=repr)


async def recount_figures(session: AsyncSession) -> Figures:
    """Every figure as counted from the rows now (the invariant's reference)."""
    dialect = session.get_bind().dialect.name
    found = {
        name: _rows(await session.execute(select), name)
        for name, select in recount_selects(dialect).items()
    }
    medians = ReportDurationMedian.__tablename__
    found[medians] = _rows(medians_of(found[ReportDurationCount.__tablename__]), medians)
    return found


async def maintained_figures(session: AsyncSession) -> Figures:
    """Every figure as the write paths maintained it."""
    found: Figures = {}
    for table in FIGURE_TABLES:
        columns = list(table.columns)
        found[table.name] = _rows(await session.execute(sa.select(*columns)), table.name)
    return found
