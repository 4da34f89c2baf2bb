"""Shared fixtures: named personas in two organizations (see tests/web/personas.py), the
artefacts folder for screenshots, and the grouping of tests for pytest-xdist."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.artifacts import screenshots_dir

# fixtures made once per module (a browser, the demo data): pytest-xdist with --dist loadgroup
# keeps such a module's tests on one worker instead of making the fixture on each
GROUPED_SCOPES = ("module", "class")


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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """On an xdist worker, put each test that uses a module- or class-scoped fixture in the
    ``xdist_group`` of its module (before xdist reads the marks: ``tryfirst``). Tests marked
    ``xdist_group`` by hand keep their group."""
    if not hasattr(config, "workerinput"):
        return
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        fixturedefs = getattr(item, "_fixtureinfo", None)
        defs = fixturedefs.name2fixturedefs.values() if fixturedefs else ()
        if any(d and d[-1].scope in GROUPED_SCOPES for d in defs):
            module = item.nodeid.split("::", 1)[0].removesuffix(".py").removeprefix("tests/")
            item.add_marker(pytest.mark.xdist_group(module))


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where browser tests write screenshots: ``$PRIMA_ARTIFACTS/screenshots``, by default
    ``artifacts/screenshots`` in the repository (created; see tests/artifacts.py)."""
    folder = screenshots_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder
