"""The workflow cast for service tests on a real database."""

from tests.e2e.conftest import cast

__all__ = ["cast"]
