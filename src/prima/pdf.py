"""PDF rendering helpers shared by posters and reports (WeasyPrint)."""

from __future__ import annotations

from typing import Any


def no_fetch() -> Any:
    """A WeasyPrint URL fetcher that fetches nothing: documents are self-contained, so nothing
    in the HTML (user-typed names included) can make the renderer read a file or the network."""
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint >= 66
    except ImportError:  # pragma: no cover - older WeasyPrint takes a function

        def deny(url: str, **_kw: Any) -> dict[str, Any]:
            raise ValueError(f"document resources are not fetched: {url[:40]}")

        return deny
    return URLFetcher(allowed_protocols=())
