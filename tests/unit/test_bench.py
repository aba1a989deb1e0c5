"""The benchmark tooling works (dispatch, tables, the generator); no timings asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.__main__ import available, run_one
from bench.generate import BUSY_OWNER_ID, generate
from bench.table import Table, percentile
from bot.container import build_services
from bot.services.reports import ReportDraft
from bot.settings import Settings
from storage.models import Report, ReportEvent, Unit


def test_every_benchmark_module_is_dispatched() -> None:
    assert {"intake", "queries", "resources"} <= set(available())
    with pytest.raises(SystemExit):
        run_one("generate", [])  # a helper module, not a benchmark
    with pytest.raises(SystemExit):
        run_one("nonexistent", [])


def test_table_puts_goal_and_measurement_side_by_side() -> None:
    table = Table("t")
    table.add("intake", "ratio", ">= 0.6", "0.42", False)
    table.add("intake", "p50", "", "3 ms")
    text = table.render()
    assert "NO" in text.splitlines()[4]
    assert "| intake | ratio | >= 0.6 | 0.42 | NO |" in table.render(markdown=True)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([5.0], 95) == 5.0


async def test_generator_makes_a_consistent_province(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gen.sqlite3'}"
    world = await generate(url, reports=400, units=20)
    settings = Settings(_env_file=None, database_url=url)
    services = await build_services(settings)
    try:
        async with services.database.session() as session:
            assert await session.scalar(select(func.count()).select_from(Unit)) == 20
            assert await session.scalar(select(func.count()).select_from(Report)) == 400
            events = await session.scalar(select(func.count()).select_from(ReportEvent))
            assert events is not None
            assert events >= 800
            busy = await session.scalar(
                select(func.count()).select_from(Report).where(Report.owner_id == BUSY_OWNER_ID)
            )
            assert busy is not None
            assert busy >= 20
        assert world.samples
        # New reports continue each year's tracking sequence instead of colliding with it.
        unit = (await services.units.of_owner(BUSY_OWNER_ID))[0]
        category = services.directory.categories[0]
        submission = await services.reports.submit(
            BUSY_OWNER_ID, ReportDraft(unit.id, category.id, "یک گزارش تازه پس از داده‌سازی")
        )
        assert submission.report.seq > 1
    finally:
        await services.close()
