"""Fixtures for the indicators tests."""

import pytest

from tests.frameworks import small_framework_data


@pytest.fixture
def small() -> dict:
    """A deep copy of a small valid framework, to edit in a test."""
    return small_framework_data()
