"""Abuse controls: signals that make a response suspect.

Suspect responses are kept (an answer is never thrown away) and flagged with the reason; they
are left out of every index until an admin includes them. Signals:

- a honeypot field that people do not see but bots fill;
- a minimum time to complete (the page stamps when it was shown, bound to the form's submission
  id so a stamp cannot be replayed; a missing or altered stamp is suspect too; kiosks and apps
  send ``elapsed_ms``);
- a minimum interval between answers of one kiosk device (its own clock of when each answer
  was given, so answers queued offline and sent together are not flagged);
- rate limits per IP address and per link (signed context) per hour, generous by default
  because many Indonesian mobile users share one carrier IP. Registered kiosk devices are not
  counted: a kiosk sends a day of answers queued offline at once, and has its own interval.

Limits are settings (``PRIMA_RATE_LIMIT_IP``, ``PRIMA_RATE_LIMIT_LINK``, ``PRIMA_MIN_SECONDS``);
``PRIMA_RATE_LIMITS=off`` turns the rate limits off (load tests, trusted networks).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from prima.surveys.choices import ResponseFlag

# the salt from before the split (ADR 0004): forms already shown stay valid
STAMP_SALT = "prima.surveys.form-stamp"


@dataclass(frozen=True)
class Signals:
    """What a request tells about how an answer was given."""

    ip: str | None = None
    link: str | None = None
    honeypot: str = ""
    elapsed_ms: int | None = None
    bad_stamp: bool = False  # the web form came back without a valid stamp (forged or removed)
    device_interval: timedelta | None = None  # time since the device's previous answer


@dataclass(frozen=True)
class Flag:
    code: str
    detail: str


def form_stamp(submission_id: str = "", now: float | None = None) -> str:
    """A signed timestamp for the page form (when it was shown), bound to the form's
    submission id: a stamp taken once cannot vouch for other submissions."""
    return signing.dumps(
        [now if now is not None else time.time(), str(submission_id)], salt=STAMP_SALT
    )


def elapsed_from_stamp(stamp: str, submission_id: str = "", now: float | None = None) -> int | None:
    """Milliseconds since the page was shown; None for a missing, forged or replayed stamp
    (one made for another submission id). An old stamp is simply slow: no expiry."""
    try:
        shown, bound = signing.loads(stamp, salt=STAMP_SALT)
        shown = float(shown)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if bound != str(submission_id):
        return None
    return max(0, int(((now if now is not None else time.time()) - shown) * 1000))


def _hour_count(kind: str, value: str) -> int:
    bucket = int(time.time() // 3600)
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:24]
    key = f"prima:rl:{kind}:{digest}:{bucket}"
    cache.add(key, 0, timeout=3700)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=3700)
        return 1


def assess(signals: Signals, *, min_interval_seconds: int | None = None) -> list[Flag]:
    """The flags a submission earns (empty when nothing is suspect)."""
    flags: list[Flag] = []
    if signals.honeypot.strip():
        flags.append(Flag(ResponseFlag.HONEYPOT, "hidden field filled"))
    minimum_ms = int(settings.PRIMA_MIN_SECONDS * 1000)
    if minimum_ms > 0 and signals.bad_stamp:
        flags.append(Flag(ResponseFlag.TOO_FAST, "form stamp missing or altered"))
    elif signals.elapsed_ms is not None and signals.elapsed_ms < minimum_ms:
        flags.append(Flag(ResponseFlag.TOO_FAST, f"completed in {signals.elapsed_ms} ms"))
    if (
        min_interval_seconds
        and signals.device_interval is not None
        # answers queued offline may arrive out of order: the distance counts, not the sign
        and abs(signals.device_interval) < timedelta(seconds=min_interval_seconds)
    ):
        seconds = abs(signals.device_interval).total_seconds()
        flags.append(
            Flag(ResponseFlag.DEVICE_INTERVAL, f"{seconds:.1f} s after the previous answer")
        )
    if settings.PRIMA_RATE_LIMITS:
        if signals.ip:
            count = _hour_count("ip", signals.ip)
            if count > settings.PRIMA_RATE_LIMIT_IP:
                flags.append(
                    Flag(ResponseFlag.RATE_IP, f"{count} submissions this hour from one IP")
                )
        if signals.link:
            count = _hour_count("link", signals.link)
            if count > settings.PRIMA_RATE_LIMIT_LINK:
                flags.append(
                    Flag(ResponseFlag.RATE_LINK, f"{count} submissions this hour from one link")
                )
    return flags


def page_rate_limited(ip: str | None) -> bool:
    """Public pages answer 429 only far beyond the submission limit (crawlers, floods)."""
    if not settings.PRIMA_RATE_LIMITS or not ip:
        return False
    return _hour_count("page", ip) > settings.PRIMA_RATE_LIMIT_PAGE


def client_ip(meta: dict[str, str]) -> str | None:
    """The client address; behind a proxy set PRIMA_TRUSTED_PROXY_HOPS to use X-Forwarded-For."""
    hops = settings.PRIMA_TRUSTED_PROXY_HOPS
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= hops:
            return parts[-hops]
    return meta.get("REMOTE_ADDR") or None


def answered_interval(previous: datetime | None, current: datetime) -> timedelta | None:
    return None if previous is None else current - previous
