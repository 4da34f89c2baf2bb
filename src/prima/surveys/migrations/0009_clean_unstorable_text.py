"""Replace, in stored responses, the characters that cannot be stored or shown.

Before submissions were checked (:mod:`prima.storable_text`), a lone surrogate in ``contact`` or
``profile`` (kept as a JSON escape), or NUL and control characters in a suggestion, could be
stored, and then broke every page, export and report that showed the row. Each such
character becomes U+FFFD (:func:`prima.surveys.response_text.displayable_data`); rows without
one are not written.
"""

from typing import Any

from django.db import migrations

from prima.surveys.response_text import displayable_data

# the response's text fields as of this migration (not the model's current list)
TEXT_FIELDS = ("suggestion", "flag_detail", "contact", "profile")


def clean_stored_text(apps: Any, schema_editor: Any) -> None:
    """Rewrite the text fields of every response that holds an unstorable character."""
    response_model = apps.get_model("surveys", "Response")
    changes: list[tuple[int, dict[str, Any]]] = []
    rows = (
        response_model.objects.order_by("pk")
        .values_list("pk", *TEXT_FIELDS)
        .iterator(chunk_size=5000)
    )
    for pk, *values in rows:
        changed = {
            name: shown
            for name, value in zip(TEXT_FIELDS, values, strict=True)
            if (shown := displayable_data(value)) != value
        }
        if changed:
            changes.append((pk, changed))
    for pk, changed in changes:  # after the scan: the cursor is not read while rows change
        response_model.objects.filter(pk=pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_export_job_kind")]

    operations = [migrations.RunPython(clean_stored_text, migrations.RunPython.noop)]
