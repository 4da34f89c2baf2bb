"""The signed link context: which unit, service and staff member a survey link is for.

The context travels in the survey URL (``?c=...``) and in API submissions; it is signed with
the site's secret key (``django.core.signing``), bound to one survey, so it cannot be altered
or moved to another survey.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "prima.surveys.context"


@dataclass(frozen=True)
class LinkContext:
    survey: str
    unit: int | None = None
    service: int | None = None
    staff: int | None = None
    channel: str | None = None


def context_sign(ctx: LinkContext) -> str:
    payload = {"k": ctx.survey}
    for key, value in (("u", ctx.unit), ("s", ctx.service), ("t", ctx.staff), ("c", ctx.channel)):
        if value is not None:
            payload[key] = value  # type: ignore[assignment]
    return signing.dumps(payload, salt=SALT, compress=True)


class BadContext(ValueError):
    pass


def context_read(token: str, *, survey_code: str) -> LinkContext:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise BadContext("signature") from None
    if not isinstance(data, dict) or data.get("k") != survey_code:
        raise BadContext("survey")
    return LinkContext(survey_code, data.get("u"), data.get("s"), data.get("t"), data.get("c"))
