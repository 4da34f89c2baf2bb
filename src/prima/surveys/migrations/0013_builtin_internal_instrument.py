"""Install the built-in ``internal`` instrument (issue 12: the employee survey) in databases
migrated before it existed; a database that has it already is left as it is (0002 installs every
built-in instrument of its day in a new database). Reversing is a no-op: surveys may use it."""

import json
from importlib import resources

from django.db import migrations


def install(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    InstrumentVersion = apps.get_model("surveys", "InstrumentVersion")
    text = resources.files("prima.instruments.builtin").joinpath("internal.json").read_text("utf-8")
    definition = json.loads(text)
    instrument, created = Instrument.objects.get_or_create(
        organization=None, key=definition["name"], defaults={"title": definition["title"]["id"]}
    )
    if created or not InstrumentVersion.objects.filter(instrument=instrument).exists():
        InstrumentVersion.objects.create(instrument=instrument, number=1, definition=definition)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0012_english_labels")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
