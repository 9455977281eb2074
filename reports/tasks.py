"""Background tasks of the reports app (run by `manage.py db_worker`)."""

from django.tasks import task

from reports.services import report_generate


@task
def generate_report(report_id: int) -> None:
    report_generate(report_id)
