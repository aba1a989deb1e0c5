"""The random walk in the test suite: fixed seeds, on SQLite and (with TEST_POSTGRES_URL,
as ./dev test and .ci/run provide) on PostgreSQL.

Longer walks with new seeds are not a test: run `./dev fuzz --minutes N`. A failure here
prints its seed and the last steps of every chat involved; `./dev fuzz --seed N --steps M`
replays it exactly and shrinks it to a short step list.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.walk.driver import run_walk

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

# Per database, issue 12's 5,000 random steps in two walks, each from the seeded population
# (a second seed takes paths the first did not). The first is paced as deployed: the bot
# sends at most 30 messages a second and the emulator answers a flood with 429, so most of
# its time is waiting (about 16 steps a second). The second is unpaced, as the other tests
# run: about 3.5 times as many steps a second, the bot's handling being the whole cost, and
# the people's updates more tightly interleaved. ROUNAQ_WALK_STEPS sets the total per
# database (a fifth of it paced). .ci/run runs tests/walk in a pytest of its own beside the
# rest of the suite (scripts/walk-apart).
TOTAL = int(os.environ.get("ROUNAQ_WALK_STEPS", "5000"))
PACED = TOTAL // 5
WALKS = [
    pytest.param(1, PACED, True, id="paced"),
    pytest.param(2, TOTAL - PACED, False, id="unpaced"),
]


@pytest.mark.parametrize(("seed", "steps", "paced"), WALKS)
async def test_random_walk(
    database_url: str, tmp_path: Path, seed: int, steps: int, paced: bool
) -> None:
    result = await run_walk(database_url, tmp_path, seed=seed, steps=steps, paced=paced)
    assert result.violation is None, (
        f"{result.report}\n\nreplay: ./dev fuzz --seed {seed} --steps {len(result.steps)}"
        + (" --postgres" if database_url.startswith("postgresql") else "")
        + ("" if paced else " --unpaced")
    )
    assert len(result.steps) == steps
