"""Fixtures and hooks shared by the web tests."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.plugin import blocking_manager_key


def _put_back_builtin_instruments(config: pytest.Config) -> None:
    from prima.surveys.models import Instrument
    from prima.surveys.services import instruments_install_builtin

    with config.stash[blocking_manager_key].unblock():
        if not Instrument.objects.filter(key="skm2017").exists():
            instruments_install_builtin()


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"transactional_db", "live_server"})


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Every test starts in the installation's language: a request through the test client
    leaves its language active in the thread (the locale middleware activates it and nothing
    deactivates it), and a later test reading command output would see English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def _uses_db(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DB_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


@pytest.fixture(scope="module", autouse=True)
def _builtin_instruments(django_db_setup: None, request: pytest.FixtureRequest) -> None:
    """The built-in instruments (a data migration) are there when a module starts. Not for a
    module none of whose tests uses the database: run alone, pytest-django sets up no test
    database, and the query would reach the installation's own (PRIMA_DATA_DIR)."""
    mine = (i for i in request.session.items if getattr(i, "module", None) is request.module)
    if any(_uses_db(item) for item in mine):
        _put_back_builtin_instruments(request.config)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: Any) -> Any:
    """After a transactional test, put back what its flush removed.

    A transactional test ends by flushing every table; Django's ``post_migrate`` then recreates
    content types and permissions, but not what data migrations stored (the built-in
    instruments). Every test therefore starts from the migrated state, whichever test ran before
    it on the same xdist worker. (``serialized_rollback`` is not used: it reloads content types
    with their old keys over the ones ``post_migrate`` recreated, an IntegrityError.)
    """
    yield
    # after the session's last test the test database is already gone (its teardown ran inside
    # the yield): nothing to put back, and connecting would reach the real database's name
    if _is_transactional(item) and nextitem is not None:
        _put_back_builtin_instruments(item.config)
