"""Test set-up shared by the whole suite."""

import os

# Playwright runs an event loop in the test thread; pytest-django's live_server needs the ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.people"]
