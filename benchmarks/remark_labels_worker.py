"""The task worker labels new remarks (issue 14, "Speed": 10,000 in under 5 minutes on this
2-core machine, peak memory under 1 GB).

A demo database (``prima demo --no-serve``, SQLite in a temporary folder, or PostgreSQL with
``--postgres`` and ``DATABASE_URL`` naming a server) gets ``--texts`` new responses (default
10,000) whose suggestions are made from the labelled set (as ``benchmarks/remarks_speed.py``
makes them); then the real task worker (``python -m prima.config.task_worker``, as ``prima
serve`` starts it) is started and the time until every one of them carries its labels is
measured, with the worker's peak resident memory (``VmHWM``).

    .venv/bin/python benchmarks/remark_labels_worker.py [--texts 10000] [--postgres]

Prints its figures; exit status 1 only when a run fails or times out (``--timeout``, 600 s).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest_harness as h
from remarks_speed import make_texts

MARK = "@@labels@@"

_ADD = """
import json, uuid
from prima.remark_labels.models import RemarkLabel
from prima.surveys.models import Response, Survey
survey = Survey.objects.get(code={code!r})
model = Response.objects.filter(survey=survey).order_by("id").first()
texts = json.loads(open({texts!r}).read())
fields = [f.attname for f in Response._meta.concrete_fields if f.attname not in ("id", "submission_id", "suggestion")]
rows = [Response(submission_id=uuid.uuid4(), suggestion=t, **{{k: getattr(model, k) for k in fields}}) for t in texts]
Response.objects.bulk_create(rows, batch_size=1000)
print({mark!r} + json.dumps({{"before": RemarkLabel.objects.count(), "with_text": Response.objects.exclude(suggestion="").count()}}))
"""

_COUNT = """
import json
from prima.remark_labels.models import RemarkLabel
print({mark!r} + json.dumps(RemarkLabel.objects.filter(response__isnull=False).count()))
"""


def shell(code: str, env: dict[str, str]) -> object:
    done = h.run_prima(["shell", "-c", code], env)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    raise RuntimeError(f"no figure printed:\n{done.stdout}\n{done.stderr}")


def peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Speed of the task worker's remark labelling")
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="DATABASE_URL's server")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    if not 1 <= args.texts <= 1_000_000:
        parser.error("--texts 1-1,000,000")
    root = Path(tempfile.mkdtemp(prefix="prima-labels."))
    url, db = None, None
    try:
        if args.postgres:
            server = os.environ.get("DATABASE_URL")
            if not h.is_postgres(server):
                parser.error("--postgres: DATABASE_URL must name a PostgreSQL server")
            assert server is not None
            db = f"prima_labels_{uuid.uuid4().hex[:8]}"
            url = h.create_database(server, db)
        env = h.prima_env(root, url)
        print(f"machine: {h.machine() if hasattr(h, 'machine') else os.uname().machine}")
        code = h.prepare_demo(env)
        texts = root / "texts.json"
        texts.write_text(json.dumps(make_texts(args.texts)))
        added = shell(_ADD.format(code=code, texts=str(texts), mark=MARK), env)
        assert isinstance(added, dict)
        target = int(added["with_text"])
        print(
            f"{args.texts:,} new responses with a suggestion ({target:,} suggestions in all, "
            f"{added['before']:,} labelled before); database: {'PostgreSQL' if url else 'SQLite'}"
        )
        worker_env = {**env, "PRIMA_WORKER_PARENT": str(os.getpid())}
        start = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, "-m", "prima.config.task_worker"],
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        labelled, peak, seconds = 0, 0, 0.0
        try:
            while True:
                time.sleep(1.0)
                peak = max(peak, peak_kb(worker.pid))
                labelled = int(shell(_COUNT.format(mark=MARK), env))  # type: ignore[arg-type]
                seconds = time.perf_counter() - start
                if labelled >= target or seconds > args.timeout or worker.poll() is not None:
                    break
        finally:
            worker.terminate()
            worker.wait(30)
        print(
            f"task worker: {labelled:,} of {target:,} suggestions labelled in {seconds:.1f} s "
            f"(from its start, polled each second; target 10,000 in under 300 s), "
            f"peak memory {peak / 1024:.0f} MB (target under 1 GB)"
        )
        return 0 if labelled >= target else 1
    finally:
        if db is not None and url is not None:
            h.drop_database(os.environ["DATABASE_URL"], db)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
