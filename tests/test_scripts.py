"""The set-up scripts pass their arguments on: ``./scripts/demo --port P`` from a clean clone.

The clone holds only committed files, as a new user's (or CI's) checkout would; it installs its
own ``.venv`` through ``scripts/_venv.sh`` (uv installs from its cache).
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 300.0  # seconds for install + demo data + first page, on a busy machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _group_gone(pgid: int, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the demo and everything it started (server, task worker): its process group."""
    for sig, wait in ((signal.SIGINT, 10.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        if _group_gone(proc.pid, wait):
            break
    proc.wait(timeout=10)


@pytest.mark.slow
def test_demo_passes_its_port_from_a_clean_clone(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.fail("this test needs git and the repository's .git to make a clean clone")
    clone = tmp_path / "prima"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    data = tmp_path / "data"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VIRTUAL_ENV")}
    env["PRIMA_DATA_DIR"] = str(data)
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))
    )
    proc = subprocess.Popen(
        [str(clone / "scripts" / "demo"), "--port", str(port)],
        cwd=tmp_path,  # the script finds its own folder
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    out = b""
    try:
        assert proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        end = time.monotonic() + DEADLINE
        surveys: list[tuple[str, str]] = []
        while time.monotonic() < end:
            if sel.select(timeout=1.0):
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break  # the script ended
                out += chunk
            text = out.decode("utf-8", "replace")
            surveys = re.findall(r"^Survey: (\S+) (\S+)(?: .*)?$", text, re.M)
            if surveys and "Situs demo:" in text:
                break
        text = out.decode("utf-8", "replace")
        assert surveys, f"no 'Survey:' lines within {DEADLINE:.0f} s:\n{text[-4000:]}"
        assert proc.poll() is None, f"the demo stopped:\n{text[-4000:]}"
        assert (clone / ".venv" / "bin" / "prima").exists()  # the clone's own environment
        assert f"SQLite {data}" in text
        for _code, url in surveys:
            assert url.startswith(f"http://127.0.0.1:{port}/s/"), url
        status = 0
        while time.monotonic() < end:  # the server may still be starting
            try:
                with urllib.request.urlopen(surveys[0][1], timeout=5) as reply:
                    status = reply.status
                    body = reply.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, f"{surveys[0][1]} did not answer:\n{text[-4000:]}"
        assert "<form" in body
    finally:
        _stop(proc)
    assert _group_gone(proc.pid, 1.0)
