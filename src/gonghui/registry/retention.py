"""Personal data whose purpose has ended, deleted or anonymised by the daily job on the rules kept as data
(``RetentionRule``; the shipped ones are examples), and a worker's own account erased at their request.

What a law requires to be kept stays: payments (their payee and amounts are accounting records), petition
records, and every case as the union's record of the service given — a worker anonymised here keeps their
cases, which then name "已注销职工". Each run and each erasure is audited.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit, pii

from .models import Membership, RetentionRule, Worker, WorkerAccount, WorkerNameKey

ERASED_NAME = "已注销职工"


def apply(now=None) -> dict[str, int]:
    """Every active rule, once; returns what each removed or anonymised."""
    now = now or timezone.now()
    done = {}
    for rule in RetentionRule.objects.filter(active=True):
        handler = HANDLERS.get(rule.code)
        if handler is None:
            continue
        count = handler(now - timezone.timedelta(days=rule.days))
        done[rule.code] = count
        if count:
            audit.record(actor=None, action="registry.retention", object_type="registry.retentionrule",
                         object_id=rule.code, summary=f"保存期限到期：{rule.label} {count} 条已"
                                                      f"{'匿名化' if rule.action == 'anonymise' else '删除'}")
    return done


def _sms_codes(before) -> int:
    from gonghui.accounts.models import SmsCode

    return SmsCode.objects.filter(created_at__lt=before).delete()[0]


def _import_files(before) -> int:
    from .models import ImportJob

    return ImportJob.objects.filter(created_at__lt=before, file_enc__isnull=False).update(file_enc=None)


def _refused_bindings(before) -> int:
    from .models import BindingStatus

    return WorkerAccount.objects.filter(status=BindingStatus.REFUSED, decided_at__lt=before).delete()[0]


#: the workers with a case still open (a subquery of worker ids); the case engine provides it at start-up
_busy = None


def provide_busy(source) -> None:
    global _busy
    _busy = source


def _left_members(before) -> int:
    """Members who left before the cutoff and have no case still open."""
    found = Worker.objects.filter(membership=Membership.LEFT, updated_at__lt=before).exclude(name=ERASED_NAME)
    if _busy is not None:
        found = found.exclude(pk__in=_busy())
    count = 0
    for worker in found.iterator(chunk_size=500):
        anonymise(worker)
        count += 1
    return count


def anonymise(worker: Worker) -> None:
    """Keep the record (its cases point to it), drop what identifies the person: name, ID and bank numbers,
    phone, birthplace, tags, search keys; the birth date kept to the year only (for the figures)."""
    marker = secrets.token_hex(16)
    with transaction.atomic():
        Worker.objects.filter(pk=worker.pk).update(
            name=ERASED_NAME, id_enc=pii.encrypt("", field="id_number"), id_bidx=marker,
            id_last4_bidx=secrets.token_hex(16), phone="", bank_enc=None, bank_bidx="", bank_last4="",
            bank_name="", hukou_place="", birth_date=worker.birth_date.replace(month=1, day=1))
        worker.tags.clear()
        WorkerNameKey.objects.filter(worker=worker).delete()
        account = WorkerAccount.objects.filter(worker=worker).select_related("user").first()
        if account is not None:
            _erase_sign_in(account)


def _erase_sign_in(account: WorkerAccount) -> None:
    user = account.user
    account.delete()
    user.consents.all().delete()
    from django.contrib.auth.hashers import make_password

    get_user_model().objects.filter(pk=user.pk).update(
        username=f"erased-{user.pk}-{secrets.token_hex(4)}", name="", email="", is_active=False,
        password=make_password(None))  # an unusable password: nobody signs in as it again


def erase_account(*, actor, worker: Worker) -> None:
    """A worker's request to delete their account (个人信息保护法 第四十七条): the sign-in, the binding
    with its ID number, the consents and messages go; the union's record of the member and of the services
    given stays, as the union's own record (said on the request's guide)."""
    account = WorkerAccount.objects.filter(worker=worker).select_related("user").first()
    if account is None:
        return
    with transaction.atomic():
        _erase_sign_in(account)
        audit.record(actor=actor, action="registry.account_erase", obj=worker,
                     summary=f"应本人申请注销职工账号（{pii.mask_phone(account.user.username)}）")


HANDLERS = {"sms_codes": _sms_codes, "import_files": _import_files, "refused_bindings": _refused_bindings,
            "left_members": _left_members}
