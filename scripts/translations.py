"""Update the gettext catalogue and fill in Indonesian translations.

    .venv/bin/python scripts/translations.py [translations.json ...]

Takes a lock (several people may run it at once), runs ``makemessages`` over ``src/prima``
(English msgids), writes the Indonesian of every msgid found in the JSON files
(``{"English msgid": "Indonesian"}``; a plural entry takes a one-element list, Indonesian has
one plural form), compiles ``django.mo`` and lists the msgids still untranslated.

An entry with a context (``pgettext("mutu", "Poor")``, ``{% translate "Poor" context "mutu" %}``)
is named by the context, gettext's separator U+0004 and the msgid: in JSON
``{"mutu\u0004Poor": "Kurang Baik"}``. A bare ``"Poor"`` fills only the entry without a context,
so a shared English word never overwrites the Indonesian of another context. The untranslated
entries are listed the same way.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prima.config.settings")
    os.environ.setdefault("PRIMA_DATA_DIR", tempfile.mkdtemp(prefix="prima-translations-"))
    import django

    django.setup()
    from prima.config import catalogue

    mapping: dict[str, str | list[str]] = {}
    for name in argv:
        mapping.update(json.loads(Path(name).read_text(encoding="utf-8")))
    lock_path = ROOT / ".git" / "prima-translations.lock"
    with open(lock_path if lock_path.parent.is_dir() else os.devnull, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        catalogue.update()
        changed = catalogue.fill(mapping)
        catalogue.compile_mo()
        missing = catalogue.untranslated()
    print(f"{changed} entries filled; {len(missing)} untranslated")
    for msgid in missing[:200]:
        print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
