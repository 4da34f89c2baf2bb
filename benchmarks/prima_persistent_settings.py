"""Prima's settings with persistent SQLite connections (``CONN_MAX_AGE=60``): a diagnostic of
``submit_throughput.py --engines sqlite-persistent``, not a configuration Prima ships.

Prima closes its SQLite connection after every request (``CONN_MAX_AGE=0``); when no other
connection is open, SQLite checkpoints the WAL into the database on that close and fsyncs it,
which costs more than the whole request. This measures both sites without that cost.
"""

from __future__ import annotations

import copy

from prima.config import settings as _prima

globals().update({k: v for k, v in vars(_prima).items() if k.isupper()})
DATABASES = copy.deepcopy(_prima.DATABASES)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 60
