"""Admin: copying a framework as a new version."""

import pytest
from django.urls import reverse

from indicators.admin import next_version
from indicators.models import Framework
from indicators.services import framework_load
from tests.frameworks import dump

pytestmark = pytest.mark.django_db


def test_next_version_increments_the_last_number(small):
    framework = framework_load(text=dump(small)).framework
    assert next_version(framework) == "1.1"
    small["version"] = "1.1"
    framework_load(text=dump(small))
    assert next_version(framework) == "1.2"


def test_the_new_version_action_copies_the_framework(client, small, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-long-enough-1")
    framework = framework_load(text=dump(small)).framework
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:indicators_framework_changelist"),
        {"action": "make_new_version", "_selected_action": [framework.pk]},
    )
    assert response.status_code == 302
    assert sorted(Framework.objects.values_list("version", flat=True)) == ["1.0", "1.1"]
    assert Framework.objects.get(version="1.1").indicators.count() == 2


def test_an_unused_framework_is_editable_in_the_admin(client, small, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-long-enough-1")
    framework = framework_load(text=dump(small)).framework
    client.force_login(admin_user)
    response = client.get(reverse("admin:indicators_framework_change", args=[framework.pk]))
    assert response.status_code == 200
    assert 'name="ranking"' in response.text


def test_a_framework_in_use_is_read_only_in_the_admin(client, assessment, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-long-enough-1")
    framework = assessment.framework
    assert framework.is_in_use()
    client.force_login(admin_user)
    page = client.get(reverse("admin:indicators_framework_change", args=[framework.pk]))
    assert page.status_code == 200
    assert 'name="ranking"' not in page.text  # shown, not editable
    indicator = framework.indicators.first()
    response = client.post(
        reverse("admin:indicators_indicator_change", args=[indicator.pk]),
        {"weight": 9, "question": '{"en": "x"}'},
    )
    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.weight == 1
    delete = client.post(reverse("admin:indicators_framework_delete", args=[framework.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert framework.indicators.exists()
