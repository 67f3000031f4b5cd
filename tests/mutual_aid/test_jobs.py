"""Text messages leave the process by the job worker, after the step commits: importing the bank's result
answers at once and texts nobody in the request; the worker then sends one text per paid claim. And a
payment step needs the second factor from the context, not from a web request (the API, a task)."""

import time

import pytest
from django.core.management import call_command

from gonghui.core.context import Context, acting
from gonghui.core.sms import ConsoleSmsBackend
from gonghui.payments import services as payments
from gonghui.payments.models import PaymentBatch
from tests.mutual_aid.conftest import gather
from tests.mutual_aid.test_claims import _result

from .conftest import verified


@pytest.mark.django_db(transaction=True)  # the worker runs in this process and closes its connection
def test_a_bank_result_is_texted_by_the_job_worker_not_in_the_request(approved, finance, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    claims = [approved(name, invoices=((f"R{name_no}{n:05d}", "12000", "10000"),))
              for name_no, name in enumerate(["王芳", "李强", "张伟"]) for n in range(2)]
    verified_now = verified(finance)
    batch = gather(finance)
    payments.batch_approve(actor=finance, batch=batch, context=verified_now)
    payments.batch_export(actor=finance, batch=batch, context=verified_now)
    sent_before = len(ConsoleSmsBackend.outbox)
    queued = DBTaskResult.objects.filter(task_path="gonghui.core.sms.send_job")
    queued_before = queued.count()  # the earlier steps' texts (accepted, approved) wait for the worker too
    counts = payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk),
                                          data=_result([[c.number, "成功", ""] for c in claims]),
                                          filename="r.xlsx")
    assert counts["paid"] == 6
    assert len(ConsoleSmsBackend.outbox) == sent_before  # nothing sent inside the request
    assert queued.count() - queued_before == 6

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    texts = [(phone, text) for phone, text in ConsoleSmsBackend.outbox[sent_before:] if "已通过网银发放到您的银行卡" in text]
    assert len(texts) == 6 and queued.filter(status="SUCCESSFUL").count() == queued.count()
    assert {phone for phone, _ in texts} == {"13600000001", "13600000002", "13600000003"}


@pytest.mark.django_db
def test_approving_a_batch_reads_the_second_factor_from_the_context(approved, finance):
    from gonghui.accounts.second_factor import StepUpRequired

    approved("王芳")
    batch = gather(finance)
    with acting(Context(channel="api")), pytest.raises(StepUpRequired):
        payments.batch_approve(actor=finance, batch=batch)  # a token or a task without the second factor
    with acting(Context(channel="task", second_factor_at=time.time() - 3600)), pytest.raises(StepUpRequired):
        payments.batch_approve(actor=finance, batch=batch)  # passed an hour ago: too long
    with acting(Context(channel="api", address="10.1.2.3", second_factor_at=time.time())):
        payments.batch_approve(actor=finance, batch=batch)
    from gonghui.core.models import AuditLog

    row = AuditLog.objects.filter(action__contains="batch_approve").latest("seq")
    assert row.ip == "10.1.2.3"  # the audit trail has the caller's address from the context
