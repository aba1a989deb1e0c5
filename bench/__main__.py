"""`python -m bench [name] [options]`: run one benchmark, or all of them, and print tables.

Each benchmark is a module `bench/<name>.py` with `run(argv) -> Table`. Modules are found
by name, so a benchmark added later (e.g. `broadcast`) is dispatched without editing this.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence

from bench.table import Table, machine

# Run by `python -m bench` / `python -m bench all`, in this order, when present.
ORDER = ("intake", "queries", "resources", "broadcast")
_NOT_BENCHMARKS = frozenset({"table", "harness", "generate", "echo_bot", "sql_probe"})


def available() -> list[str]:
    return [name for name in ORDER if importlib.util.find_spec(f"bench.{name}") is not None]


def run_one(name: str, argv: Sequence[str]) -> Table:
    if name in _NOT_BENCHMARKS or importlib.util.find_spec(f"bench.{name}") is None:
        raise SystemExit(f"unknown benchmark {name!r}; available: {', '.join(available())}")
    module = importlib.import_module(f"bench.{name}")
    table = module.run(list(argv))
    assert isinstance(table, Table)
    return table


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks:", ", ".join(available()), "(or 'all'; each takes --help)")
        return 0
    name = args.pop(0) if args and not args[0].startswith("-") else "all"
    markdown = "--markdown" in args
    if markdown:
        args.remove("--markdown")
    names = available() if name == "all" else [name]
    print(f"machine: {machine()}\n", flush=True)
    for each in names:
        table = run_one(each, args)
        print(table.render(markdown=markdown), "\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
