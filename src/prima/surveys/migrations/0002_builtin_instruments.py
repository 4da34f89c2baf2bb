"""Install the built-in instruments (SKM 2017, SKM 2004, A6, SERVQUAL, quick form)."""

import json
from importlib import resources

from django.db import migrations


def install(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    InstrumentVersion = apps.get_model("surveys", "InstrumentVersion")
    folder = resources.files("prima.instruments.builtin")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json"):
            continue
        definition = json.loads(entry.read_text("utf-8"))
        instrument, created = Instrument.objects.get_or_create(
            organization=None, key=definition["name"], defaults={"title": definition["title"]["id"]}
        )
        if created:
            InstrumentVersion.objects.create(instrument=instrument, number=1, definition=definition)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
