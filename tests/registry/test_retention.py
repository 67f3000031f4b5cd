"""Retention and erasure (issue 23, PIPL): the daily job deletes or anonymises personal data whose purpose
has ended, on rules kept as data; what must be kept stays; a worker's request to delete their account is a
case, and fulfilling it erases the account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import SmsCode
from gonghui.cases import services as cases
from gonghui.cases.models import Case, ServiceItem
from gonghui.cases.tasks import run_daily
from gonghui.core.models import AuditLog
from gonghui.registry import retention
from gonghui.registry.models import BindingStatus, ImportJob, RetentionRule, Worker, WorkerAccount
from gonghui.registry.selectors import worker_search

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=6 * 365)


def test_the_daily_job_applies_the_rules(people, staff, worker_user, city):
    old_code = SmsCode.objects.create(phone="13900000001", purpose="register", code_hash="x",
                                      expires_at=timezone.now())
    SmsCode.objects.filter(pk=old_code.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    fresh_code = SmsCode.objects.create(phone="13900000002", purpose="register", code_hash="x",
                                        expires_at=timezone.now())
    job = ImportJob.objects.create(kind="workers", filename="w.csv", actor=staff["city_staff"], org=city["jinjiang"],
                                   file_enc=b"\x01cipher")
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    refused_user = get_user_model().objects.create_user("13900000003", password="x")
    refused = WorkerAccount.objects.create(user=refused_user, status=BindingStatus.REFUSED, name="申请人",
                                           id_enc=b"\x01x", id_bidx="y" * 32, town=city["qingyang"],
                                           decided_at=timezone.now() - dt.timedelta(days=181))
    # 王芳 left the union six years ago; 李强 too, but has a case still open; 张伟 is a member
    wang, li = people["王芳"], people["李强"]
    number = wang.id_number_clear()
    worker_user("王芳")
    Worker.objects.filter(pk__in=[wang.pk, li.pk]).update(membership="left")
    Worker.objects.filter(pk__in=[wang.pk, li.pk, people["张伟"].pk]).update(updated_at=LONG_AGO)
    cases.case_create(actor=staff["city_staff"], item=ServiceItem.objects.get(code="legal_consult"),
                      worker=li, data={"topic": "其他劳动争议", "question": "？"}, submit=True)  # still open
    closed = cases.case_create(actor=staff["city_staff"], item=ServiceItem.objects.get(code="legal_consult"),
                               worker=wang, data={"topic": "其他劳动争议", "question": "？"})
    cases.transition(actor=staff["city_staff"], case=closed, name="withdraw")

    counts = run_daily()
    assert (counts["retention_sms_codes"], counts["retention_import_files"]) == (1, 1)
    assert (counts["retention_refused_bindings"], counts["retention_left_members"]) == (1, 1)
    assert list(SmsCode.objects.all()) == [fresh_code]
    assert ImportJob.objects.get(pk=job.pk).file_enc is None
    assert not WorkerAccount.objects.filter(pk=refused.pk).exists()
    wang.refresh_from_db()
    assert wang.name == retention.ERASED_NAME and wang.phone == "" and wang.id_number_clear() == ""
    assert wang.birth_date.month == wang.birth_date.day == 1
    assert not worker_search(user=staff["city_staff"], q=number).exists()
    assert not WorkerAccount.objects.filter(worker=wang).exists()
    assert Case.objects.get(pk=closed.pk).applicant.name == retention.ERASED_NAME  # the record stays
    li.refresh_from_db()
    assert li.name == "李强"  # a case still open
    assert Worker.objects.get(pk=people["张伟"].pk).name == "张伟"  # still a member
    assert AuditLog.objects.filter(action="registry.retention").count() == 4
    assert run_daily()["retention_left_members"] == 0  # once
    RetentionRule.objects.filter(code="sms_codes").update(active=False)
    assert "retention_sms_codes" not in run_daily()


def test_a_worker_asks_to_delete_their_account(people, staff, worker_user, login):
    user = worker_user("王芳")
    phone = Client()
    phone.force_login(user)
    item = ServiceItem.objects.get(code="account_erasure")
    case = cases.case_create(actor=user, item=item, data={"reason": "不再使用",
                                                           "confirm": "我已知晓注销后不能再登录，本人申请注销"})
    cases.transition(actor=user, case=case, name="submit")
    town = staff["qingyang_staff"]
    for step in ("accept", "review"):
        cases.transition(actor=town, case=case, name=step)
    reviewer = staff["city_staff"]
    cases.transition(actor=reviewer, case=case, name="approve")
    cases.transition(actor=town, case=case, name="fulfil")
    user.refresh_from_db()
    assert not user.is_active and user.username.startswith("erased-") and not user.has_usable_password()
    assert not WorkerAccount.objects.filter(worker=people["王芳"]).exists()
    assert phone.get("/m/me/").status_code == 302  # signed out for good
    assert Worker.objects.get(pk=people["王芳"].pk).name == "王芳"  # the union's record of the member stays
    assert Case.objects.get(pk=case.pk).state == "fulfilled"
    assert AuditLog.objects.filter(action="registry.account_erase").exists()
    assert Client().post("/m/login/", {"username": "13600000001", "password": "Worker#2026pw"}).status_code == 200
