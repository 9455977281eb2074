"""Slow work goes through Django's tasks framework to the database backend, and the worker runs it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.tasks import TaskResultStatus, task

pytestmark = pytest.mark.django_db(transaction=True)


@task
def rename_user(user_id: int, name: str) -> str:
    get_user_model().objects.filter(pk=user_id).update(first_name=name)
    return name


def test_an_enqueued_task_waits_in_the_database_until_the_worker_runs_it(coordinator):
    result = rename_user.enqueue(coordinator.pk, "Renamed")
    assert result.status == TaskResultStatus.READY
    coordinator.refresh_from_db()
    assert coordinator.first_name == "Camila"

    call_command("db_worker", batch=True, interval=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "Renamed"
    coordinator.refresh_from_db()
    assert coordinator.first_name == "Renamed"
