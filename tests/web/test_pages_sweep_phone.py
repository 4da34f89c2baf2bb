"""The browser sweep of every page at 390 px (a phone): the checks of ``test_pages_sweep.py``,
in a file of its own so that pytest-xdist runs it beside the 1366 px sweep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.web.test_pages_sweep import browser, sweep_every_page  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_every_page_at_390px(browser: Browser, live_server: Any, screenshot_dir: Path) -> None:  # noqa: F811
    sweep_every_page(390, browser, live_server, screenshot_dir)
