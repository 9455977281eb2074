"""The demo command: sign-ins for every role, safe to run twice."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments.demo import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_load_demo_twice_creates_each_sign_in_once():
    call_command("load_demo")
    call_command("load_demo")
    users = get_user_model().objects.filter(username__in=[login.username for login in DEMO_LOGINS])
    assert users.count() == len(DEMO_LOGINS)
    assert all(user.check_password(DEMO_PASSWORD) for user in users)


def test_only_the_demo_admin_is_staff():
    call_command("load_demo")
    staff = get_user_model().objects.filter(is_staff=True).values_list("username", flat=True)
    assert list(staff) == ["admin"]
