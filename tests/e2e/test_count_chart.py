"""The /stats chart counts reports: its axis has whole-number ticks, over real HTTP."""

from __future__ import annotations

from bot import charts
from bot.context import RounaqApp
from bot.formatting import Presenter
from bot.views.figures import agency_bars
from emulator import BotApiEmulator
from storage.models import Role
from tests.e2e.digest_world import ensure_user
from tests.e2e.expect import FA
from tests.e2e.workflow_kit import file_report, services_of
from tests.people import Person

FA_FMT = Presenter("fa")


async def test_the_chart_of_counts_has_integer_ticks(
    app: RounaqApp, emulator: BotApiEmulator, people: dict[str, Person]
) -> None:
    services = services_of(app)
    owner, official = people["owner"], people["official"]
    await ensure_user(services, owner.id, "رضا")
    await ensure_user(services, official.id, "سارا")
    await services.users.grant(official.id, Role.OFFICIAL)
    await file_report(app, owner, "raw_materials")  # one report: the worst case, 0…1

    stats = await official.say("/stats")
    chart = await official.press(stats, FA.t("stats.btn_chart"))
    assert chart.photo
    sent = emulator.file_bytes(chart.photo[-1].file_id)

    # The same chart drawn both ways from the same figures: the bot sent the whole-number one.
    fmt = FA_FMT
    bars = agency_bars(FA, fmt, services.directory, await services.stats.snapshot())
    title, axis = FA.t("stats.chart_title"), FA.t("stats.chart_axis")
    whole = charts.horizontal_bars(fmt, title, bars, axis_label=axis, counts=True)
    fractional = charts.horizontal_bars(fmt, title, bars, axis_label=axis)
    assert whole != fractional
    assert sent == whole
