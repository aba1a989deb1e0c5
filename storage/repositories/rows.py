"""What every repository shares: DTOs from rows, rows from "new row" objects, rows of a
province, get-or-add, children."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import ColumnElement, Executable, UnaryExpression, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

D = TypeVar("D")
M = TypeVar("M")


def to_dto(dto: type[D], row: object, **given: Any) -> D:
    """The DTO whose fields are read from the row's attributes of the same name.

    `given` supplies the fields the row names differently or keeps in another form, so a
    column added to both the model and the DTO needs no change here.
    """
    names = [f.name for f in fields(dto) if f.name not in given]  # type: ignore[arg-type]
    return dto(**{name: getattr(row, name) for name in names}, **given)


def fields_of(new: DataclassInstance) -> dict[str, Any]:
    """A "new row" dataclass's fields by name (shallow, unlike `asdict`), for the model.

    The service builds the frozen `NewX` and the DTO extends it, so a row's given fields
    are listed once: in that class, not again in a repository signature and constructor.
    """
    return {f.name: getattr(new, f.name) for f in fields(new)}


def newest_first(when: InstrumentedAttribute[Any]) -> tuple[UnaryExpression[Any], ...]:
    """A list's order, newest first by this time; rows stamped the same moment follow
    their ids, so the order is total and pages neither repeat nor skip a row."""
    return when.desc(), cast(Any, when.class_).id.desc()


async def in_province(
    session: AsyncSession, model: type[M], row_id: int, province_id: int
) -> M | None:
    """The row by its id if it belongs to this province (provinces may share one database)."""
    row = await session.get(model, row_id)
    if row is None or cast(Any, row).province_id != province_id:
        return None
    return row


async def by_parent(
    session: AsyncSession,
    dto: type[D],
    parent: InstrumentedAttribute[int],
    ids: Sequence[int],
    *order_by: Any,
) -> dict[int, tuple[D, ...]]:
    """Each parent id's child rows as DTOs, in one query; a childless id maps to ()."""
    found: dict[int, list[D]] = {i: [] for i in ids}
    if ids:
        rows = select(parent.class_).where(parent.in_(ids)).order_by(*order_by)
        for row in await session.scalars(rows):
            found[getattr(row, parent.key)].append(to_dto(dto, row))
    return {i: tuple(children) for i, children in found.items()}


async def one_of(batch: Callable[[Sequence[M]], Awaitable[list[D]]], row: M | None) -> D | None:
    """One row's DTO, read by the reader that builds a list's (children included), so the
    two cannot differ; None for no row."""
    return None if row is None else (await batch([row]))[0]


async def get_or_add(session: AsyncSession, model: type[M], **keys: Any) -> M:
    """The row with these column values; a new one (added, not flushed) when there is none."""
    row = await session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys)
        session.add(row)
    return row


class Repository:
    """A repository works inside the caller's session; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_province(self, model: type[M], province_id: int, *order_by: Any) -> list[M]:
        """A province's rows of one table, in the given order."""
        in_province = cast(Any, model).province_id == province_id
        rows = await self.session.scalars(select(model).where(in_province).order_by(*order_by))
        return list(rows)

    async def province_dtos(
        self, dto: type[D], model: type[Any], province_id: int, *order_by: Any
    ) -> list[D]:
        """A province's rows of one table as DTOs, in the given order."""
        rows = await self.of_province(model, province_id, *order_by)
        return [to_dto(dto, row) for row in rows]

    async def dto_by_id(self, dto: type[D], model: type[Any], row_id: object) -> D | None:
        """The row with this primary key as a DTO; None when there is none."""
        row = await self.session.get(model, row_id)
        return None if row is None else to_dto(dto, row)

    async def change(self, model: type[Any], row_id: object, **values: Any) -> bool:
        """Set these columns of the row with this primary key; False when there is none."""
        row = await self.session.get(model, row_id)
        if row is None:
            return False
        for name, value in values.items():
            setattr(row, name, value)
        return True

    async def inserted(self, model: type[M], new: DataclassInstance, **more: Any) -> M:
        """A new row from a "new row" object (and columns it does not carry), flushed."""
        return await self.flushed(model(**fields_of(new), **more))

    async def count(self, source: Any, *where: ColumnElement[bool]) -> int:
        """How many rows of a table (or a subquery) meet these conditions."""
        found = await self.session.scalar(select(func.count()).select_from(source).where(*where))
        return int(found or 0)

    async def changed_rows(self, statement: Executable) -> int:
        """How many rows an UPDATE or DELETE changed: 0 when a conditional one lost the race
        (both dialects report it; a driver that does not is read as 0)."""
        result = await self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)

    async def set_once(
        self,
        column: InstrumentedAttribute[Any],
        value: object,
        *where: ColumnElement[bool],
        **more: Any,
    ) -> bool:
        """Set a column that is still NULL (and `more` with it) on the row `where` picks, in
        one conditional UPDATE: False when it was set already (revoked, used, decided), so
        of two racing callers exactly one wins."""
        statement = (
            update(column.class_)
            .where(*where, column.is_(None))
            .values(**{column.key: value}, **more)
        )
        return await self.changed_rows(statement) > 0

    async def flushed(self, row: M) -> M:
        """The new row added and flushed, so its id and server defaults are set."""
        self.session.add(row)
        await self.session.flush()
        return row
