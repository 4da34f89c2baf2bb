"""Shared fixtures: named personas in two organizations (see tests/web/personas.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def world(db):
    """Two tenants with units, services, staff, surveys, responses and personas."""
    from tests.web.personas import build_world

    return build_world()
