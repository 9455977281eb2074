"""Test set-up shared by the whole suite."""

import os

# Playwright runs an event loop in the test thread; pytest-django's live_server needs the ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.utils import translation

pytest_plugins = ["tests.people"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def sign_in_throttling_off(settings):
    # Test clients sign in without a request, which django-axes refuses; tests of throttling turn it on.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english_after_each_test():
    # A request to /fr/ leaves French active in this thread; the next test must not inherit it.
    yield
    translation.activate("en")
