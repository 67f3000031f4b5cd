"""Background jobs of the registry (Django's tasks API; `python -m gonghui db_worker` runs them)."""

from django_tasks import task

from . import services


@task()
def validate_import(job_id: int) -> None:
    services.import_job_validate(job_id=job_id)


@task()
def commit_import(job_id: int) -> None:
    services.import_job_commit(job_id=job_id)
