"""Every write to the registry, and every view of a personal number in clear: permission, state,
transaction, audit."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.accounts import second_factor
from gonghui.core import audit, idnumber, personnames, pii
from gonghui.core.spreadsheets import FileRefused, write_xlsx
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import in_scope, scope_paths

from .importing import KINDS, Importer, Result
from .models import Employment, Hukou, ImportJob, ImportStatus, Membership, Worker, WorkerNameKey
from .names import name_keys

log = logging.getLogger(__name__)

PERM_VIEW_PII = "registry.view_worker_pii"
PERM_EXPORT_PII = "registry.export_worker_pii"
PERM_IMPORT = "registry.import_registry"
EXPORT_LIMIT = 100_000


def _require(actor, perm: str, message: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(message)


def _require_scope(actor, path: str, perm: str) -> None:
    if not in_scope(actor, path, perm):
        raise PermissionDenied("不在您的管辖范围内。")


# --- a person added one at a time ----------------------------------------------------------------------

def person_create(*, name: str, number: str, phone: str, org: Org, enterprise=None,
                  membership: str = Membership.MEMBER) -> Worker:
    """Write a person's registry record (inside the caller's transaction and checks): the new employee a
    town admits at binding, a retired model worker registered outside any enterprise."""
    person = idnumber.parse(number)
    worker = Worker.objects.create(
        name=name, id_enc=pii.encrypt(person.value, field="id_number"),
        id_bidx=pii.blind_index(person.value, purpose="id_number"),
        id_last4_bidx=pii.blind_index(person.value[-4:], purpose="id_last4"), gender=person.gender,
        birth_date=person.birth_date, phone=phone, enterprise=enterprise, org=org, membership=membership,
        hukou=Hukou.LOCAL if person.region_code == "350582" else Hukou.MIGRANT,
        hukou_place=idnumber.region_name(person.region_code))
    if enterprise is not None:
        Employment.objects.create(worker=worker, enterprise=enterprise, joined_on=timezone.localdate())
    WorkerNameKey.objects.bulk_create([WorkerNameKey(worker=worker, key=k) for k in name_keys(worker.name)])
    return worker


def person_find_or_add(*, actor, id_number: str, name: str = "", phone: str = "", org: Org, perm: str,
                       why: str) -> tuple[Worker, bool]:
    """The registry's record of an ID number; when there is none, a record is added for the person (no
    enterprise, not a member) at ``org``, which must be in the actor's scope for ``perm``. Returns (record,
    whether it was added)."""
    try:
        person = idnumber.parse(id_number)
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": exc.message}) from None
    found = Worker.objects.filter(id_bidx=pii.blind_index(person.value, purpose="id_number")).first()
    if found is not None:
        return found, False
    if not in_scope(actor, org.path, perm):
        raise PermissionDenied("不在您的管辖范围内。")
    if not (name or "").strip():
        raise ValidationError({"name": "档案中没有该身份证号，请填写姓名。"})
    try:
        name = personnames.clean(name)
    except personnames.NameInvalid as exc:
        raise ValidationError({"name": str(exc)}) from None
    phone = (phone or "").strip()
    if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        raise ValidationError({"phone": "手机号应为11位中国大陆手机号码。"})
    with transaction.atomic():
        worker = person_create(name=name, number=person.value, phone=phone, org=org, membership=Membership.NONE)
        audit.record(actor=actor, action="registry.person_add", obj=worker,
                     summary=f"新增人员档案：{name}（{why}）")
    return worker, True


# --- personal numbers in clear ----------------------------------------------------------------------

def worker_reveal_pii(*, actor, worker: Worker, what: str, request=None) -> str:
    """The worker's full ID or bank number, for a user with the right; the view is audited."""
    _require(actor, PERM_VIEW_PII, "您没有查看完整证件号码的权限。")
    _require_scope(actor, worker.org.path, PERM_VIEW_PII)
    second_factor.require_recent(request, "查看完整证件号码")
    if what == "id_number":
        value = worker.id_number_clear()
    elif what == "bank_card":
        value = worker.bank_number_clear()
    else:
        raise ValueError(what)
    audit.record(actor=actor, action=f"registry.reveal_{what}", obj=worker, request=request,
                 summary=f"查看{worker.name}的完整{'身份证号' if what == 'id_number' else '银行卡号'}")
    return value


# --- export -------------------------------------------------------------------------------------------

EXPORT_HEADERS = ["姓名", "身份证号", "性别", "出生日期", "手机号", "企业", "会籍状态", "入会日期", "户籍类型",
                  "户籍地", "标签"]


def worker_export(*, actor, workers, full: bool = False, request=None, description: str = "") -> bytes:
    """An .xlsx of the (already scoped) worker list: masked unless ``full`` is asked with the right."""
    if full:
        _require(actor, PERM_EXPORT_PII, "您没有导出完整证件号码的权限。")
        second_factor.require_recent(request, "导出完整名单")
        # only the part of the list where the actor holds the export right
        workers = workers.filter(pk__in=Worker.objects.visible_to(actor, PERM_EXPORT_PII).values("pk"))
    workers = workers.select_related("enterprise").prefetch_related("tags")[:EXPORT_LIMIT]
    rows = []
    for w in workers.iterator(chunk_size=2000):
        id_clear = w.id_number_clear()
        rows.append([
            w.name, id_clear if full else pii.mask_id(id_clear), w.get_gender_display(), w.birth_date,
            w.phone if full else w.phone_masked, w.enterprise.name if w.enterprise else "",
            w.get_membership_display(), w.member_since or "", w.get_hukou_display(), w.hukou_place,
            "、".join(t.name for t in w.tags.all()),
        ])
    audit.record(actor=actor, action="registry.export_workers_full" if full else "registry.export_workers",
                 request=request, object_type="registry.worker", object_id="",
                 summary=f"导出职工名单{len(rows)}人{'（含完整证件号）' if full else '（脱敏）'} {description}"[:300])
    return write_xlsx(EXPORT_HEADERS, rows, sheet="职工名单", text_columns=[1, 4], widths={1: 24, 5: 30})


# --- import jobs ----------------------------------------------------------------------------------------

def _progress_key(job_id: int) -> str:
    return f"registry:import:{job_id}:progress"


def import_progress(job: ImportJob) -> dict:
    """Live progress of a running job (kept in the cache: the import transaction hides its own rows)."""
    live = cache.get(_progress_key(job.pk))
    if live and job.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING):
        return live
    return {"phase": job.status, "done": job.processed_rows, "total": job.total_rows}


def _reporter(job_id: int):
    def report(phase: str, done: int, total: int) -> None:
        cache.set(_progress_key(job_id), {"phase": phase, "done": done, "total": total}, 3600)

    return report


def _importer(kind: str, scope: Org, params: dict, actor=None) -> Importer:
    return KINDS[kind].importer(scope=scope, actor=actor, **params)


def import_job_create(*, actor, kind: str, filename: str, data: bytes, params: dict | None = None,
                      request=None) -> ImportJob:
    """Keep the uploaded file (encrypted) and queue its validation. ``params`` are the kind's own (JSON);
    the kind's importer checks them when it is built, before anything is stored."""
    if kind not in KINDS:
        raise ValidationError({"kind": "未知的导入类型。"})
    permission = KINDS[kind].permission
    _require(actor, permission, "您没有导入数据的权限。")
    paths = scope_paths(actor, permission)
    if not paths:
        raise PermissionDenied("您没有导入数据的权限。")
    scope = Org.objects.get(path=min(paths, key=len))
    if not data:
        raise ValidationError({"file": "请选择要上传的文件。"})
    params = params or {}
    _importer(kind, scope, params, actor)  # refuses bad parameters now, with the kind's own message
    with transaction.atomic():
        job = ImportJob.objects.create(kind=kind, filename=filename[:200], actor=actor, org=scope, params=params,
                                       file_enc=pii.encrypt_bytes(data, field="import_file"))
        audit.record(actor=actor, action="registry.import_upload", obj=job, request=request,
                     summary=f"上传{job.kind_label}导入文件 {job.filename}", changes={"params": params})
        transaction.on_commit(lambda: _enqueue("validate", job.pk))
    return job


def import_job_confirm(*, actor, job: ImportJob, request=None) -> ImportJob:
    """Import the good rows of a validated job (once: a second click finds it already importing)."""
    _require(actor, KINDS[job.kind].permission if job.kind in KINDS else PERM_IMPORT, "您没有导入数据的权限。")
    if job.actor_id != actor.pk:
        raise PermissionDenied("只能确认自己上传的导入任务。")
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED, good_rows__gt=0).update(
            status=ImportStatus.IMPORTING, processed_rows=0)
        if not claimed:
            raise ValidationError("该导入任务当前不能导入（可能已在导入中或没有有效行）。")
        audit.record(actor=actor, action="registry.import_confirm", obj=job, request=request,
                     summary=f"确认导入 {job.filename}：有效{job.good_rows}行")
        transaction.on_commit(lambda: _enqueue("commit", job.pk))
    job.refresh_from_db()
    return job


def _enqueue(step: str, job_id: int) -> None:
    from . import tasks

    (tasks.validate_import if step == "validate" else tasks.commit_import).enqueue(job_id)


def _load(job_id: int) -> tuple[ImportJob, bytes]:
    job = ImportJob.objects.select_related("org", "actor").get(pk=job_id)
    return job, pii.decrypt_bytes(job.file_enc, field="import_file")


def _store_result(job: ImportJob, result: Result, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        total_rows=result.total, processed_rows=result.total, good_rows=result.good,
        error_rows=result.rejected, blank_rows=result.blank, errors=[e.as_dict() for e in result.errors],
        **fields)


def import_job_validate(*, job_id: int) -> None:
    """Background step 1: read and validate every row; the job then shows its preview."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.UPLOADED).update(
            status=ImportStatus.VALIDATING):
        return  # already picked up
    job, data = _load(job_id)
    try:
        importer = _importer(job.kind, job.org, job.params, job.actor)
        result = importer.validate_file(data, job.filename, progress=_reporter(job.pk))
    except (FileRefused, ValidationError) as exc:
        message = exc.message if isinstance(exc, FileRefused) else "；".join(exc.messages)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.REFUSED, message=message[:300],
                                                   file_enc=None, finished_at=timezone.now())
        return
    except Exception:
        log.exception("import job %s: validation failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED,
                                                   message="校验时发生系统错误，已记录日志。")
        raise
    _store_result(job, result, status=ImportStatus.VALIDATED,
                  preview={"rows": importer.preview, "summary": importer.summary()})


def import_job_commit(*, job_id: int) -> None:
    """Background step 2: validate again (the registry may have changed) and write the good rows in one
    transaction. The uploaded file is deleted afterwards."""
    job, data = _load(job_id)
    if job.status != ImportStatus.IMPORTING:
        return
    try:
        importer = _importer(job.kind, job.org, job.params, job.actor)
        result = importer.run(data, job.filename, progress=_reporter(job.pk))
    except (FileRefused, ValidationError) as exc:
        message = exc.message if isinstance(exc, FileRefused) else "；".join(exc.messages)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.REFUSED, message=message[:300])
        return
    except Exception:
        log.exception("import job %s: import failed, nothing written", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED,
                                                   message="导入时发生系统错误，未写入任何数据，已记录日志。")
        raise
    with transaction.atomic():
        _store_result(job, result, status=ImportStatus.DONE, created=result.created, updated=result.updated,
                      file_enc=None, finished_at=timezone.now())
        audit.record(actor=job.actor, action="registry.import_done", obj=job,
                     summary=f"{job.kind_label}导入完成：新增{result.created}，更新{result.updated}，"
                             f"错误{result.rejected}，空行{result.blank}")


def import_errors_xlsx(job: ImportJob) -> bytes:
    """The error report: row number, column, reason, and who the row is about (masked)."""
    rows = [[e["row"], e["column"], e["reason"], e.get("label", "")] for e in job.errors]
    return write_xlsx(["行号", "列", "错误原因", "数据（已脱敏）"], rows, sheet="错误明细",
                      widths={0: 8, 1: 22, 2: 60, 3: 36})


def import_cli(*, actor, scope, kind: str, data: bytes, filename: str, dry_run: bool,
               progress=None, params: dict | None = None) -> tuple[Result, Importer]:
    """The command line's import: the same importer, synchronously, audited like the workbench's.

    The command line is the server operator's tool: ``scope`` is the organisation whose subtree the
    file may touch (the whole city by default); ``actor`` is the named user, if any.
    """
    permission = KINDS[kind].permission
    if actor is not None:
        _require(actor, permission, "该账号没有导入数据的权限。")
        _require_scope(actor, scope.path, permission)
    importer = _importer(kind, scope, params or {}, actor)
    result = importer.run(data, filename, dry_run=dry_run, progress=progress)
    if not dry_run:
        audit.record(actor=actor, action="registry.import_cli", object_type="registry.importjob",
                     summary=f"命令行导入{filename}：新增{result.created}，更新{result.updated}，"
                             f"错误{result.rejected}，空行{result.blank}")
    return result, importer
