"""Benchmarks: `python -m bench <name>` prints goal and measured value side by side.

Nothing here is a test: numbers depend on the machine, so they are printed and recorded
in docs/benchmarks.md, never asserted.
"""
