"""``python -m bench <name> [options]``: run one benchmark and print its table.

Each benchmark is a module in this package with ``configure(parser)`` and ``run(args)``;
adding one is a line in ``BENCHMARKS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

BENCHMARKS: dict[str, str] = {
    "broadcast": "bench.broadcast",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    names = parser.add_subparsers(dest="name", required=True, metavar="benchmark")
    for name, module_name in BENCHMARKS.items():
        module = importlib.import_module(module_name)
        sub = names.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
        module.configure(sub)
        sub.set_defaults(module=module)
    args = parser.parse_args(argv)
    result: int = args.module.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
