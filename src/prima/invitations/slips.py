"""Printed invitation slips (A4 PDF, eight slips a page, cut along the dashed lines) for the
people without an e-mail address. Each slip: the organization, the survey, the unit, a QR code
of the personal link (``?invitation=CODE``), the short address and the code to type, and the
promise that the answers are not linked to it. No name is printed: a slip says nothing of whom
it was meant for. Rendered with WeasyPrint in the request (the clear codes are never stored);
texts typed by users are escaped by the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from prima.invitations.codes import display
from prima.invitations.links import invitation_url, survey_url
from prima.invitations.services import Slip
from prima.organizations.unit_labels import path_labels
from prima.pdf import no_fetch

PER_PAGE = 8


@dataclass(frozen=True)
class SlipView:
    unit: str
    code: str
    url: str
    qr_svg: SafeString


def _qr(url: str) -> SafeString:
    code = segno.make_qr(url, error="m")
    return mark_safe(str(code.svg_inline(scale=1, border=2, light="#fff", omitsize=True)))


def slips_html(survey: Any, slips: list[Slip], base_url: str) -> str:
    labels = path_labels({s.unit.pk: s.unit for s in slips}.values())
    views = [
        SlipView(
            unit=labels[s.unit.pk],
            code=display(s.code),
            url=invitation_url(survey, s.code, base_url),
            qr_svg=_qr(invitation_url(survey, s.code, base_url)),  # our own URL: no user text
        )
        for s in sorted(slips, key=lambda s: (s.unit.path, s.code))
    ]
    pages = [views[i : i + PER_PAGE] for i in range(0, len(views), PER_PAGE)]
    short = survey_url(survey, base_url).split("://", 1)[-1]
    return render_to_string(
        "invitations/slips.html", {"survey": survey, "pages": pages, "short_url": short}
    )


def slips_pdf(survey: Any, slips: list[Slip], base_url: str) -> bytes:
    from weasyprint import HTML  # imported on use: it is slow to import

    if not slips:
        raise ValueError("no slip to print")
    pdf = HTML(string=slips_html(survey, slips, base_url), url_fetcher=no_fetch()).write_pdf()
    assert pdf is not None
    return pdf
