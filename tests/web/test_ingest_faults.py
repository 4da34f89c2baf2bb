"""Ingestion you can trust (issue 4): the load-and-fault test at CI size.

20 client threads submit 300 responses (about 20% of the submission ids re-sent 1-3 times, some
at once from another thread) through ``prima serve`` on 127.0.0.1; the app server is killed
with SIGKILL mid-run and started again on the same port; on PostgreSQL the database is also
restarted (``pg_ctl -m immediate stop``, then start). That restart happens in a throw-away
cluster of the same server binaries made for the test (``PgCluster.create``): restarting the
cluster of ``DATABASE_URL`` would break the test databases of the other pytest-xdist workers.
Then the database must hold every acknowledged response exactly once, under the id returned,
and nothing twice.

The full size (5,000 responses) runs by hand: ``benchmarks/ingest_faults.py``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HARNESS = Path(__file__).resolve().parents[2] / "benchmarks" / "ingest_harness.py"
RESPONSES = 300
CLIENTS = 20

pytestmark = pytest.mark.slow


def _load_harness() -> ModuleType:
    name = "ingest_harness"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HARNESS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


h = _load_harness()
POSTGRES_URL = (
    os.environ.get("DATABASE_URL") if h.is_postgres(os.environ.get("DATABASE_URL")) else None
)


def _spec(data_dir: Path, **changes: Any) -> Any:
    spec = h.RunSpec(
        data_dir=data_dir,
        cfg=h.LoadConfig(responses=RESPONSES, clients=CLIENTS, deadline=45.0, seed=17),
        workers=2,
        kill_at=(0.4,),
        db_restart_at=(0.7,),
        log=lambda _text: None,
    )
    for key, value in changes.items():
        setattr(spec, key, value)
    return spec


def _check(findings: Any, *, db_restart: bool) -> None:
    report = findings.report()
    print(report)
    assert findings.ok, report
    assert findings.acknowledged == RESPONSES, report
    assert findings.distinct_new == RESPONSES, report
    assert findings.resent_ids > RESPONSES // 10, report
    events = "\n".join(findings.events)
    assert "app server killed" in events, report
    assert "app server ready again" in events, report
    if db_restart:
        assert "database restarted" in events, report
    assert "FAILED" not in events, report
    assert "not struck" not in events, report


@pytest.mark.skipif(POSTGRES_URL is not None, reason="SQLite run (DATABASE_URL is PostgreSQL)")
def test_ingest_survives_sigkill_on_sqlite(tmp_path: Path) -> None:
    findings = h.run_faults(_spec(tmp_path / "data"))
    _check(findings, db_restart=False)


@pytest.fixture
def pg_cluster() -> Iterator[Any]:
    """A throw-away PostgreSQL cluster (the binaries of ``scripts/postgres-for-tests.sh``, the
    same options), stopped and removed afterwards: the test restarts it."""
    cluster = h.PgCluster.create()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def pg_database(pg_cluster: Any) -> str:
    """A fresh database in the throw-away cluster."""
    return h.create_database(pg_cluster.url, f"prima_ingest_{uuid.uuid4().hex[:12]}")


@pytest.mark.skipif(POSTGRES_URL is None, reason="DATABASE_URL is not PostgreSQL")
def test_ingest_survives_sigkill_and_database_restart_on_postgres(
    tmp_path: Path, pg_cluster: Any, pg_database: str
) -> None:
    findings = h.run_faults(_spec(tmp_path / "data", database_url=pg_database, cluster=pg_cluster))
    _check(findings, db_restart=True)
