"""PDF rendering helpers shared by posters and reports (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse


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


def pdf_attachment(html: str, filename: str) -> HttpResponse:
    """An ``HttpResponse`` with the PDF of ``html`` (self-contained, :func:`no_fetch`) as a
    download named ``filename``: the one-page PDFs a view renders in the request (scorecards)."""
    from weasyprint import HTML  # imported on use: it is slow to import

    pdf = HTML(string=html, url_fetcher=no_fetch()).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
