"""The load-and-fault test at full size, by hand (issue 4, acceptance "load-and-fault test").

20 concurrent clients submit 5,000 responses to the demo's SKM 2017 survey through
``prima serve`` on 127.0.0.1, re-sending about 20% of the submission ids 1-3 times (some at once
from another thread); the app server is killed with SIGKILL mid-run and started again; with
``--postgres`` the database is also restarted (``pg_ctl -m immediate stop``, then start). Then
the database is read and checked: every acknowledged response is stored exactly once under the
id returned, none twice, and the new rows equal the distinct ids acknowledged (plus those whose
acknowledgement was lost in a crash, counted and allowed). See ``ingest_harness.py``.

    .venv/bin/python benchmarks/ingest_faults.py [--responses 5000] [--clients 20] [--postgres]

``--postgres`` uses ``DATABASE_URL`` when it points at PostgreSQL (a fresh database is created
on that server and dropped afterwards; the server is restarted mid-run only when
``PRIMA_PG_BIN``/``PRIMA_PG_DIR`` name its cluster, as ``scripts/postgres-for-tests.sh``
exports), otherwise a throw-away cluster like that script's. Exit status 0 when every check
holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest_harness as h


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds for the load")
    parser.add_argument(
        "--kill-at", type=float, default=0.4, help="share acknowledged at the SIGKILL"
    )
    parser.add_argument(
        "--db-restart-at", type=float, default=0.7, help="share acknowledged at the DB restart"
    )
    parser.add_argument(
        "--synchronous-commit",
        default="on",
        choices=["on", "off"],
        help="PostgreSQL synchronous_commit of the test database (default on, as in production)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args(argv)
    if not 1 <= args.responses <= 1_000_000 or not 1 <= args.clients <= 500:
        parser.error("--responses 1..1000000, --clients 1..500")

    data_dir = Path(tempfile.mkdtemp(prefix="prima-ingest."))
    cluster: h.PgCluster | None = None
    own_cluster: h.PgCluster | None = None
    url: str | None = None
    admin_url = ""
    db_name = f"prima_ingest_{uuid.uuid4().hex[:10]}"
    try:
        if args.postgres:
            given = os.environ.get("DATABASE_URL")
            if h.is_postgres(given):
                assert given is not None
                admin_url = given
                cluster = h.PgCluster.from_env(given)
                if cluster is None:
                    print("note: PRIMA_PG_BIN/PRIMA_PG_DIR not set: the database is not restarted")
            else:
                own_cluster = cluster = h.PgCluster.create()
                admin_url = cluster.url
                print(f"throw-away PostgreSQL cluster on {h.HOST}:{cluster.port}")
            url = h.create_database(admin_url, db_name, synchronous_commit=args.synchronous_commit)
        engine = "PostgreSQL" if url else "SQLite (WAL)"
        print(
            f"== ingest under faults: {engine}, {args.responses} responses, {args.clients} clients, "
            f"prima serve --workers {args.workers}"
        )
        spec = h.RunSpec(
            data_dir=data_dir,
            cfg=h.LoadConfig(
                responses=args.responses,
                clients=args.clients,
                deadline=args.deadline,
                seed=args.seed,
            ),
            workers=args.workers,
            database_url=url,
            cluster=cluster,
            kill_at=(args.kill_at,),
            db_restart_at=(args.db_restart_at,),
        )
        t0 = time.monotonic()
        findings = h.run_faults(spec)
        print(findings.report())
        kept = f"; data folder kept in {data_dir}" if args.keep else ""
        print(f"total {time.monotonic() - t0:.1f} s{kept}")
        return 0 if findings.ok and findings.gave_up == 0 else 1
    finally:
        if url:
            h.drop_database(admin_url, db_name)
        if own_cluster is not None:
            own_cluster.destroy()
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
