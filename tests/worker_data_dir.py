"""Each pytest-xdist worker gets its own ``PRIMA_DATA_DIR`` (a pytest plugin: ``-p`` in
``[tool.pytest.ini_options] addopts``).

The settings read ``PRIMA_DATA_DIR`` once, at import, and pytest-django imports them before any
conftest is loaded; a plugin named with ``-p`` is imported earlier still. So it is here, not in
``tests/conftest.py``, that a worker (``PYTEST_XDIST_WORKER=gw0``, set by xdist before the
worker's configuration starts) moves to ``<PRIMA_DATA_DIR>/test-worker-gw0``: generated assets,
uploads waiting for confirmation, export files, the demo password and the secret key of two
workers never share a file. The ``prima`` subprocesses that tests start inherit the variable.
Without xdist (``-n 0``) nothing changes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def worker_data_dir(environ: Mapping[str, str]) -> Path | None:
    """The data folder of this xdist worker, or None outside xdist."""
    worker = environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return None
    base = Path(environ.get("PRIMA_DATA_DIR") or "prima-data").resolve()
    return base / f"test-worker-{worker}"


_folder = worker_data_dir(os.environ)
if _folder is not None:
    _folder.mkdir(parents=True, exist_ok=True)
    os.environ["PRIMA_DATA_DIR"] = str(_folder)
