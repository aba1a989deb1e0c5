"""Benchmarks, run as ``python -m bench <name> [options]`` (``./dev bench``)."""
