"""One signed HTTP POST to a webhook endpoint, with short timeouts (no Django models here).

Signing follows the Standard Webhooks specification through its reference library
(``standardwebhooks``): the headers ``webhook-id`` (the message id, the same on every attempt,
so a receiver can drop duplicates), ``webhook-timestamp`` (seconds since the epoch, the moment of
this attempt) and ``webhook-signature`` (``v1,`` + base64 of HMAC-SHA256 over
``<id>.<timestamp>.<body>`` with the secret's bytes). A receiver verifies with
``standardwebhooks.Webhook(secret).verify(body, headers)``.

The request: connect timeout :data:`CONNECT_TIMEOUT`, each read :data:`READ_TIMEOUT`, and the
whole attempt (connect, TLS, send, answer) cut at :data:`TOTAL_TIMEOUT` whatever the receiver
trickles, so a receiver that hangs holds a worker for seconds, not minutes; redirects are never
followed (a 3xx is a failed attempt); at most :data:`MAX_RESPONSE_BYTES` of the answer are read.
The host is resolved and checked at each attempt and the connection goes to the checked address
(:mod:`prima.webhooks.addresses`). Only a 2xx answer counts as delivered.

Retries (:data:`RETRY_DELAYS`): after a failed attempt the next one waits 5 seconds, then
5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours: at most 8 attempts over about
27.6 hours, after which the delivery is failed (an admin may redeliver it in ``/manage/``).
"""

from __future__ import annotations

import contextlib
import http.client
import math
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from standardwebhooks import Webhook

from prima.webhooks.addresses import AddressRefused, resolve, validate_endpoint_url

CONNECT_TIMEOUT = 3.0  # seconds
READ_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 16 * 1024
RETRY_DELAYS: tuple[float, ...] = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
USER_AGENT = "Prima-Webhooks/1 (+standard-webhooks)"


def retry_delays() -> tuple[float, ...]:
    """The waits between attempts (``PRIMA_WEBHOOKS_RETRY_DELAYS`` in the settings, for tests)."""
    return tuple(getattr(settings, "PRIMA_WEBHOOKS_RETRY_DELAYS", RETRY_DELAYS))


def max_attempts() -> int:
    return len(retry_delays()) + 1


def timeouts() -> tuple[float, float, float]:
    """``(connect, read, total)`` seconds (``PRIMA_WEBHOOKS_TIMEOUTS`` in the settings)."""
    values = getattr(
        settings, "PRIMA_WEBHOOKS_TIMEOUTS", (CONNECT_TIMEOUT, READ_TIMEOUT, TOTAL_TIMEOUT)
    )
    connect, read, total = (float(v) for v in values)
    return connect, read, total


def signed_headers(secret: str, message_id: str, body: str, when: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of ``body`` sent at ``when`` (an aware datetime)."""
    when = when.astimezone(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(math.floor(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, when, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: the HTTP status (None: no answer) and why it failed."""

    code: int | None
    error: str
    ms: int

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def _cut(holder: list[socket.socket], fired: threading.Event) -> None:
    fired.set()
    # the plain socket's shutdown (also under TLS): a blocked read returns at once
    with contextlib.suppress(OSError):
        socket.socket.shutdown(holder[0], socket.SHUT_RDWR)


def _connect(addresses: list[tuple[int, str]], port: int, timeout: float) -> socket.socket:
    error: OSError | None = None
    for family, ip in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((ip, port))
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError("no address")


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to ``url``; never raises for what the network or the receiver does."""
    connect_timeout, read_timeout, total_timeout = timeouts()
    started = time.monotonic()

    def outcome(code: int | None, error: str) -> Outcome:
        return Outcome(code, error[:300], round((time.monotonic() - started) * 1000))

    try:
        validate_endpoint_url(url)  # the rules may be stricter than when it was saved
    except ValidationError as exc:
        return outcome(None, "refused: " + "; ".join(str(m) for m in exc.messages))
    parts = urlsplit(url)
    https = parts.scheme.lower() == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if https else 80)
    try:
        addresses = resolve(host, port)
        sock = _connect(addresses, port, connect_timeout)
    except AddressRefused as exc:
        return outcome(None, f"refused: {exc}")
    except OSError as exc:
        return outcome(None, f"cannot connect: {exc}")
    holder = [sock]
    fired = threading.Event()
    left = max(0.01, total_timeout - (time.monotonic() - started))
    timer = threading.Timer(left, _cut, args=(holder, fired))
    timer.daemon = True
    timer.start()
    conn = http.client.HTTPConnection(host, port, timeout=read_timeout)
    try:
        sock.settimeout(read_timeout)
        if https:
            holder[0] = sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        conn.sock = sock  # connected to the checked address: http.client never resolves again
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("POST", target, body=body, headers={"Host": parts.netloc, **headers})
        response = conn.getresponse()
        response.read(MAX_RESPONSE_BYTES)  # bounded; the rest is never read
        code = response.status
    except TimeoutError:
        return outcome(None, f"timed out (no answer within {read_timeout:g} s)")
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if fired.is_set():
            return outcome(None, f"timed out (no complete answer within {total_timeout:g} s)")
        return outcome(None, f"{type(exc).__name__}: {exc}")
    finally:
        timer.cancel()
        conn.close()
        sock.close()
    if fired.is_set():
        return outcome(None, f"timed out (no complete answer within {total_timeout:g} s)")
    if 200 <= code < 300:
        return outcome(code, "")
    if 300 <= code < 400:
        return outcome(code, f"HTTP {code}: redirects are not followed")
    return outcome(code, f"HTTP {code}")
