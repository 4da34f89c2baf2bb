"""Which addresses a webhook may go to: HTTPS on the public internet only (server-side request
forgery: an organization admin must not make the server call its own network).

Checked twice: when an endpoint is saved (the scheme, credentials in the URL, a literal IP
address or ``localhost``), and when each attempt is sent (:func:`resolve`: every address the
host name resolves to must be public, and the connection goes to one of those checked addresses,
so a name that later resolves elsewhere, DNS rebinding, gains nothing).

``PRIMA_WEBHOOKS_ALLOW_LOOPBACK`` (default: ``PRIMA_DEBUG``) also allows the loopback addresses
(127.0.0.0/8, ::1, ``localhost``), with plain ``http://`` there, for a receiver on the same
machine in development and tests. Private networks (10/8, 172.16/12, 192.168/16, fc00::/7),
link-local (169.254/16: cloud metadata), carrier-grade NAT, documentation, multicast and
unspecified addresses are always refused.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost"}


class AddressRefused(Exception):
    """The endpoint's host is (or resolves to) an address webhooks may not reach."""


def loopback_allowed() -> bool:
    return bool(getattr(settings, "PRIMA_WEBHOOKS_ALLOW_LOOPBACK", settings.DEBUG))


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def address_allowed(text: str) -> bool:
    """Whether a webhook may connect to the IP address ``text``."""
    address = _ip(text)
    if address is None:
        return False
    if address.is_loopback:
        return loopback_allowed()
    return address.is_global and not address.is_multicast


def _is_loopback_host(host: str) -> bool:
    address = _ip(host)
    return host.lower() in LOOPBACK_NAMES if address is None else address.is_loopback


def validate_endpoint_url(value: str) -> None:
    """Raise ``ValidationError`` for an address webhooks may not use (see the module)."""
    parts = urlsplit(str(value).strip())
    scheme = parts.scheme.lower()
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 (a port out of range raises here)
    except ValueError:
        raise ValidationError(_("Enter a valid address."), code="invalid") from None
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            _("The address must not contain a user name or password."), code="credentials"
        )
    if not host:
        raise ValidationError(_("Enter a valid address."), code="invalid")
    loopback = _is_loopback_host(host)
    if scheme == "http":
        if not (loopback and loopback_allowed()):
            raise ValidationError(_("The address must start with https://."), code="scheme")
    elif scheme != "https":
        raise ValidationError(_("The address must start with https://."), code="scheme")
    if loopback:
        if not loopback_allowed():
            raise ValidationError(
                _("The address must be on the internet, not on this server or a private network."),
                code="private",
            )
        return
    if host.lower().endswith(".localhost") or (_ip(host) is not None and not address_allowed(host)):
        raise ValidationError(
            _("The address must be on the internet, not on this server or a private network."),
            code="private",
        )


def resolve(host: str, port: int) -> list[tuple[int, str]]:
    """``[(family, ip)]`` of ``host``; ``AddressRefused`` unless every address is allowed
    (a name with one private address among public ones is refused as a whole)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused(f"cannot resolve {host}: {exc}") from None
    found: list[tuple[int, str]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        ip = str(sockaddr[0])
        if not address_allowed(ip):
            raise AddressRefused(f"{host} resolves to {ip}, which webhooks may not reach")
        if (family, ip) not in found:
            found.append((family, ip))
    if not found:
        raise AddressRefused(f"cannot resolve {host}")
    return found
