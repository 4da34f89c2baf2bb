"""Shared fixtures: named personas in two organizations (see tests/web/personas.py), the
artefacts folder for screenshots, and the grouping of tests for pytest-xdist."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.artifacts import screenshots_dir

# fixtures made once per module (a browser, the demo data): pytest-xdist with --dist loadgroup
# keeps such a module's tests on one worker instead of making the fixture on each. Note: pytest
# 9.2 with pytest-xdist 3.8 ignores the groups (xdist renames item._nodeid, which pytest 9.2 no
# longer reads), so scripts/test uses --dist loadfile; the marks take effect once xdist follows
GROUPED_SCOPES = ("module", "class")
# tests that start `prima serve`/`prima demo` subprocesses (each migrates a database and starts
# gunicorn: heavy, with start-up deadlines) or hold a time limit: one xdist group, so they run one
# after another on one worker instead of against each other
ONE_AT_A_TIME = "one_at_a_time"
ONE_AT_A_TIME_MODULES = {
    "tests/test_hostile_files.py",
    "tests/test_scripts.py",
    "tests/test_latency_benchmark_smoke.py",
    "tests/test_export_benchmark_smoke.py",
    "tests/web/test_commands.py",
    "tests/web/test_import_hostile.py",
    "tests/web/test_ingest_faults.py",
    "tests/web/test_submit_throughput_smoke.py",
    "tests/web/test_cases_speed_smoke.py",
    "tests/web/test_task_worker.py",
}
ONE_AT_A_TIME_TESTS = {
    "tests/web/test_abuse.py::test_prima_serve_answers_503_when_the_database_cannot_be_opened",
}


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
    """On an xdist worker, put the tests of ``ONE_AT_A_TIME_*`` in one ``xdist_group`` and each
    test that uses a module- or class-scoped fixture in the group of its module (before xdist
    reads the marks: ``tryfirst``). Tests marked ``xdist_group`` by hand keep their group."""
    if not hasattr(config, "workerinput"):
        return
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        path = item.nodeid.split("::", 1)[0]
        if path in ONE_AT_A_TIME_MODULES or item.nodeid.split("[", 1)[0] in ONE_AT_A_TIME_TESTS:
            item.add_marker(pytest.mark.xdist_group(ONE_AT_A_TIME))
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
