"""WSGI entry point (gunicorn coherence.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coherence.settings")
application = get_wsgi_application()
