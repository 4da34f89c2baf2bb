"""Playwright with Debian's Chromium for the browser tests (never `playwright install`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Playwright, sync_playwright

CHROMIUM = os.environ.get("PRIMA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@contextmanager
def django_playwright() -> Iterator[Playwright]:
    """Playwright's sync API, with the test thread's database connections kept.

    The sync API keeps an asyncio loop "running" in this thread, and from then on Django looks
    its connections up in a context-local store (asgiref's Local) that starts empty: the test
    would talk through new connection objects, not the one the live server shares (in-memory
    SQLite) and that holds the serialized-rollback snapshot. Hand the thread's own connections
    over to that store.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install chromium) "
            "or set PRIMA_CHROMIUM"
        )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections

    thread_connections = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as pw:
            for alias, connection in thread_connections.items():
                connections[alias] = connection
            yield pw
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
