"""WSGI entry point of the minimal site: ``gunicorn minimal_site.wsgi:application``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minimal_site.settings")
application = get_wsgi_application()
