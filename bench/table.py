"""The one output shape of every benchmark: goal and measured value side by side."""

from __future__ import annotations

import math
import platform
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    benchmark: str
    metric: str
    goal: str
    measured: str
    met: bool | None = None  # None: informational, no goal
    note: str = ""


@dataclass
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self,
        benchmark: str,
        metric: str,
        goal: str,
        measured: str,
        met: bool | None = None,
        note: str = "",
    ) -> None:
        self.rows.append(Row(benchmark, metric, goal, measured, met, note))

    def extend(self, other: Table) -> None:
        self.rows.extend(other.rows)
        self.notes.extend(other.notes)

    def render(self, *, markdown: bool = False) -> str:
        header = ("benchmark", "metric", "goal", "measured", "met", "note")
        body = [
            (r.benchmark, r.metric, r.goal, r.measured, _verdict(r.met), r.note) for r in self.rows
        ]
        if markdown:
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(row) + " |" for row in body]
        else:
            widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=False)]
            fmt = "  ".join(f"{{:<{w}}}" for w in widths)
            lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
            lines += [fmt.format(*row) for row in body]
        out = [f"## {self.title}", "", *lines]
        if self.notes:
            out += ["", *(f"- {n}" for n in self.notes)]
        return "\n".join(out)


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "NO")


def machine() -> str:
    """One line describing where the numbers were measured."""
    import os

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kb = int(handle.readline().split()[1])
            memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def commit() -> str:
    """The checkout's commit id (short), "-dirty" when it has uncommitted changes."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    head = git("rev-parse", "--short=10", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{head}-dirty" if dirty else head


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; values need not be sorted."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]
