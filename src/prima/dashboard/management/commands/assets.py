"""``prima assets``: write the static files made on this machine (the dashboard's offline Vega
bundle) into ``PRIMA_DATA_DIR/assets``, served as static files like the package's own."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from prima.dashboard.charts import ensure_vega_bundle


class Command(BaseCommand):
    help = (
        "Write the generated static files (the Vega, Vega-Lite and Vega-Embed bundle the "
        "dashboard draws its charts with, from vl-convert; no CDN) into PRIMA_DATA_DIR/assets. "
        "prima serve and prima demo run it; the dashboard writes the bundle on first use too."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        path = ensure_vega_bundle()
        if options["verbosity"]:
            self.stdout.write(str(path))
