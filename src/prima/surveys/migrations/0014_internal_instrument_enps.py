"""The built-in ``internal`` instrument's version 2 (issue 12): the employee survey gains its eNPS
question ("would you recommend this workplace", 0-10, asked once). A database whose latest
version of it already equals the file is left as it is (a new database installs the file in
0002); otherwise the file is stored as the next version, so surveys already running on
version 1 keep their meaning. Reversing is a no-op: surveys may use the new version."""

import json
from importlib import resources

from django.db import migrations


def install(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    InstrumentVersion = apps.get_model("surveys", "InstrumentVersion")
    text = resources.files("prima.instruments.builtin").joinpath("internal.json").read_text("utf-8")
    definition = json.loads(text)
    instrument = Instrument.objects.filter(organization=None, key=definition["name"]).first()
    if instrument is None:  # 0013 installs it; nothing to upgrade without it
        return
    latest = InstrumentVersion.objects.filter(instrument=instrument).order_by("-number").first()
    if latest is not None and latest.definition == definition:
        return
    number = latest.number + 1 if latest is not None else 1
    InstrumentVersion.objects.create(instrument=instrument, number=number, definition=definition)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0013_builtin_internal_instrument")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
