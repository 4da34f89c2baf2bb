"""Writes of the abuse controls: single-use response tokens (keyword-only, atomic)."""

from __future__ import annotations

import secrets

from django.db import transaction

from prima.abuse.models import ResponseToken
from prima.organizations.models import Unit
from prima.surveys.models import CODE_ALPHABET, Survey

TOKEN_LENGTH = 10
MAX_TOKENS = 10_000


def _token_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(TOKEN_LENGTH))


@transaction.atomic
def tokens_create(*, survey: Survey, unit: Unit | None = None, count: int) -> list[ResponseToken]:
    """``count`` new single-use tokens for ``survey`` (optionally printed for ``unit``), each
    a random code of 10 characters without look-alikes (no 0/o, 1/l/i)."""
    if not 1 <= count <= MAX_TOKENS:
        raise ValueError(f"count must be between 1 and {MAX_TOKENS}")
    if unit is not None:
        if unit.organization_id != survey.organization_id:
            raise ValueError("the unit belongs to another organization")
        if not any(unit.path.startswith(u.path) for u in survey.units.all()):
            raise ValueError("the unit is not one of the survey's units (or below one)")
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {_token_code() for _ in range(count - len(codes))}
        taken = set(ResponseToken.objects.filter(code__in=wanted).values_list("code", flat=True))
        codes |= wanted - taken
    # 31**10 codes: a collision with a concurrent call is all but impossible, and the unique
    # constraint would refuse it (the whole batch rolls back)
    return ResponseToken.objects.bulk_create(
        [ResponseToken(survey=survey, unit=unit, code=code) for code in sorted(codes)]
    )
