"""Rotating the personal-data key (core.pii): every ID and bank number, every sealed form, every uploaded
file and every import file re-encrypted under the new key, every blind index rebuilt with it.

Run with the application stopped (so that no search or write sees half the rows under each key), with the
new key current (``GONGHUI_PII_KEY`` and the next ``GONGHUI_PII_KEY_ID``) and the old one as
``GONGHUI_PII_KEY_PREVIOUS``. It is resumable: a value is taken up only while its ciphertext still starts
with the old generation, so a run cut off half-way is simply run again. When it reports nothing left under
the old key, the old key is dropped. The demo does all of this with ``--new-key`` (its key files).
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction

from gonghui.core import audit, pii

CHUNK = 2000


@dataclass
class Rotated:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def demo_new_key() -> int:
    """Outside production: make a new key the current one (its generation one up), keep the old one as the
    previous key until the rotation finishes. Returns the new generation."""
    if settings.PRODUCTION or os.environ.get("GONGHUI_PII_KEY"):
        raise RuntimeError("生产环境请通过 GONGHUI_PII_KEY、GONGHUI_PII_KEY_ID、GONGHUI_PII_KEY_PREVIOUS "
                           "提供新旧密钥。")
    data = settings.DATA_DIR
    if (data / "pii_key.previous").exists():
        raise RuntimeError("上一次轮换尚未完成：请先完成 rotate_pii_key，再生成新密钥。")
    current = pii.generation()
    _keep_audit_v1()
    os.replace(data / "pii_key", data / "pii_key.previous")
    fd = os.open(data / "pii_key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(secrets.token_bytes(32)).decode())
    (data / "pii_key_id").write_text(str(current + 1))
    pii.reset_keys()
    return current + 1


def _keep_audit_v1() -> None:
    """The audit rows of the first generation stay verifiable once that key is gone: their key is kept."""
    from gonghui.core.models import AuditLog

    path = settings.DATA_DIR / "audit_key_v1"
    if os.environ.get("GONGHUI_AUDIT_KEY_V1") or path.exists():
        return
    if not AuditLog.objects.filter(key_version=1).exists():
        return
    key = audit.v1_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(key).decode())


def _old(blob) -> bool:
    return blob is not None and len(bytes(blob[:1])) == 1 and pii.ciphertext_generation(blob) != pii.generation()


def rotate(progress=None) -> Rotated:
    """Re-encrypt everything still under the previous key; rebuild the blind indexes of what changed."""
    from gonghui.accounts.models import Partner
    from gonghui.aid.models import Grant
    from gonghui.assistance.models import FestivalVisit, HouseholdMember
    from gonghui.cases.models import Attachment, Case
    from gonghui.model_workers.models import HealthCheck, ModelWorker
    from gonghui.payments.models import PaymentLine
    from gonghui.registry.models import ImportJob, Worker, WorkerAccount

    if pii.generation() > 1 and pii._previous_master_key() is None:
        raise RuntimeError("未提供上一代密钥（GONGHUI_PII_KEY_PREVIOUS）：无法解密旧数据。")
    _keep_audit_v1()
    done = Rotated()

    def workers(rows):
        for w in rows:
            number = pii.decrypt(w.id_enc, field="id_number")
            w.id_enc = pii.encrypt(number, field="id_number")
            w.id_bidx = pii.blind_index(number, purpose="id_number")
            w.id_last4_bidx = pii.blind_index(number[-4:], purpose="id_last4")
            if w.bank_enc:
                card = pii.decrypt(w.bank_enc, field="bank_card")
                w.bank_enc = pii.encrypt(card, field="bank_card")
                w.bank_bidx = pii.blind_index(card, purpose="bank_card") if card else ""
        return ["id_enc", "id_bidx", "id_last4_bidx", "bank_enc", "bank_bidx"]

    def accounts(rows):
        for a in rows:
            number = pii.decrypt(a.id_enc, field="id_number")
            a.id_enc = pii.encrypt(number, field="id_number")
            a.id_bidx = pii.blind_index(number, purpose="id_number")
        return ["id_enc", "id_bidx"]

    def grants(rows):
        for g in rows:
            number = pii.decrypt(g.person_enc, field="id_number")
            g.person_enc = pii.encrypt(number, field="id_number")
            g.person_bidx = pii.blind_index(number, purpose="id_number")
        return ["person_enc", "person_bidx"]

    def sealed(attr, field_name):
        def convert(rows):
            for row in rows:
                setattr(row, attr, pii.encrypt(pii.decrypt(getattr(row, attr), field=field_name), field=field_name))
            return [attr]
        return convert

    def imports(rows):
        for job in rows:
            job.file_enc = pii.encrypt_bytes(pii.decrypt_bytes(job.file_enc, field="import_file"), field="import_file")
        return ["file_enc"]

    plan = [
        ("职工身份证号和银行卡号", Worker, "id_enc", workers),
        ("职工账号绑定", WorkerAccount, "id_enc", accounts),
        ("办件表单敏感项", Case, "form_secret", sealed("form_secret", "case_form")),
        ("支付明细账号", PaymentLine, "account_enc", sealed("account_enc", "bank_card")),
        ("合作机构账号", Partner, "account_enc", sealed("account_enc", "bank_card")),
        ("导入文件", ImportJob, "file_enc", imports),
        ("家庭成员身份证号", HouseholdMember, "id_enc", sealed("id_enc", "id_number")),
        ("救助台账身份证号", Grant, "person_enc", grants),
        ("劳模体检结论", HealthCheck, "result_enc", sealed("result_enc", "health")),
    ]
    for label, model, column, convert in plan:
        last = 0
        while True:
            rows = list(model.objects.filter(pk__gt=last).order_by("pk")[:CHUNK])
            if not rows:
                break
            last = rows[-1].pk
            stale = [r for r in rows if _old(getattr(r, column))
                     or (model is Worker and _old(r.bank_enc))]
            if stale:
                with transaction.atomic():
                    fields = convert(stale)
                    model.objects.bulk_update(stale, fields, batch_size=500)
                done.add(label, len(stale))
            if progress:
                progress(label, last)
    done.add("附件文件", _attachments(Attachment))
    done.add("慰问签收单", _attachments(FestivalVisit, ("receipt",)))
    done.add("劳模证书", _attachments(ModelWorker, ("certificate",)))
    pii.reset_keys()
    return done


def _attachments(model, attrs=("stored", "preview")) -> int:
    """Each stored file re-encrypted under a new name; the row points to it in one transaction, and the old
    file is removed after (a run cut off leaves at worst an orphan file, never a row without its file)."""
    storage = storages["attachments"]
    count = 0
    for row in model.objects.order_by("pk").iterator(chunk_size=500):
        moved = {}
        for attr in attrs:
            path = getattr(row, attr)
            if not path:
                continue
            with storage.open(path, "rb") as fh:
                blob = fh.read()
            if not _old(blob):
                continue
            clear = pii.decrypt_bytes(blob, field="attachment")
            base = path.rsplit(".", 1)[0]
            moved[attr] = (path, storage.save(f"{base}-k{pii.generation()}.bin",
                                              ContentFile(pii.encrypt_bytes(clear, field="attachment"))))
        if not moved:
            continue
        with transaction.atomic():
            model.objects.filter(pk=row.pk).update(**{attr: new for attr, (_old_path, new) in moved.items()})
        for old_path, _new in moved.values():
            storage.delete(old_path)
        count += 1
    return count


def remaining() -> int:
    """How many values or files are still under an older key (0: the old key may be dropped)."""
    from gonghui.accounts.models import Partner
    from gonghui.aid.models import Grant
    from gonghui.assistance.models import HouseholdMember
    from gonghui.cases.models import Case
    from gonghui.model_workers.models import HealthCheck
    from gonghui.payments.models import PaymentLine
    from gonghui.registry.models import ImportJob, Worker, WorkerAccount

    left = 0
    for model, columns in ((Worker, ("id_enc", "bank_enc")), (WorkerAccount, ("id_enc",)), (Case, ("form_secret",)),
                           (PaymentLine, ("account_enc",)), (Partner, ("account_enc",)), (ImportJob, ("file_enc",)),
                           (HouseholdMember, ("id_enc",)), (Grant, ("person_enc",)),
                           (HealthCheck, ("result_enc",))):
        for values in model.objects.values_list(*columns).iterator(chunk_size=5000):
            left += any(_old(v) for v in values)
    return left


def finish_demo() -> None:
    """Outside production, once nothing is left under the old key: drop it."""
    previous = settings.DATA_DIR / "pii_key.previous"
    if previous.exists() and not remaining():
        previous.unlink()
        pii.reset_keys()
