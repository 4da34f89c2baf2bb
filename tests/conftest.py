"""Shared fixtures: named personas in two organizations (see tests/web/personas.py)."""

from __future__ import annotations

import pytest


def pytest_configure(config):
    """A fast password hasher for tests (Django's testing advice): personas are created for
    most tests, and PBKDF2's million iterations would dominate the suite's time. Logins in the
    tests still go through the real authentication and django-axes."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Two tenants with units, services, staff, surveys, responses and personas."""
    from tests.web.personas import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _quiet_abuse_controls(request):
    """Tests submit quickly and often from 127.0.0.1: by default they run without the minimum
    time-to-complete and the rate limits, and with an empty cache. The abuse-control tests
    (tests/web/test_abuse.py) switch each control on explicitly."""
    from django.conf import settings
    from django.core.cache import cache

    saved = settings.PRIMA_MIN_SECONDS, settings.PRIMA_RATE_LIMITS
    settings.PRIMA_MIN_SECONDS, settings.PRIMA_RATE_LIMITS = 0, False
    cache.clear()
    yield
    settings.PRIMA_MIN_SECONDS, settings.PRIMA_RATE_LIMITS = saved
