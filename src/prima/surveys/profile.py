"""The respondent profile that SKM asks (age, sex, education, occupation, service used)."""

from __future__ import annotations

from typing import Any

from prima import i18n
from prima.i18n import gettext_noop
from prima.instruments import Instrument

PROFILE_ERRORS: dict[str, str] = {
    "unknown": gettext_noop("unknown profile field"),
    "choice": gettext_noop("not a valid choice"),
    "integer": gettext_noop("must be a whole number between {min} and {max}"),
}


def profile_fields(instrument: Instrument) -> list[dict[str, Any]]:
    fields = instrument.raw.get("profile") or []
    return [f for f in fields if isinstance(f, dict) and f.get("type") in ("choice", "integer")]


def clean_profile(
    instrument: Instrument, profile: dict[str, Any], lang: str = "id"
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validated profile values and errors keyed ``profile.<field>``; blanks are dropped."""
    lang = lang if lang in ("id", "en") else "id"
    fields = {f["id"]: f for f in profile_fields(instrument)}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, raw in profile.items():
        field = fields.get(key)
        if field is None:
            errors[f"profile.{key}"] = i18n.gettext(PROFILE_ERRORS["unknown"], lang)
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if field["type"] == "choice":
            if not isinstance(raw, str) or raw not in field["options"]:
                errors[f"profile.{key}"] = i18n.gettext(PROFILE_ERRORS["choice"], lang)
            else:
                clean[key] = raw
        else:
            low, high = int(field.get("min", 0)), int(field.get("max", 150))
            value = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
            if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
                value = int(raw.strip())
            if value is None or not low <= value <= high:
                errors[f"profile.{key}"] = i18n.gettext(PROFILE_ERRORS["integer"], lang).format(
                    min=low, max=high
                )
            else:
                clean[key] = value
    return clean, errors
