"""Registry endpoints of /api/v1/: enterprises, workers (scoped, masked), import jobs."""

from __future__ import annotations

import datetime as dt

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from gonghui.web.api_auth import require_scope

from . import selectors, services
from .models import Enterprise, ImportJob, Worker

router = Router(tags=["registry"])


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="页码，从1开始")
        page_size: int = Field(50, ge=1, le=200, description="每页条数，最多200")

    def paginate_queryset(self, queryset, pagination: Input, **params):
        pagination.page_size = max(1, min(pagination.page_size, 200))
        self.page_size = pagination.page_size
        return super().paginate_queryset(queryset, pagination, **params)


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    town: str
    union: str | None
    industry: str
    size: int | None
    contact_name: str

    @staticmethod
    def resolve_town(obj: Enterprise) -> str:
        return obj.town.label

    @staticmethod
    def resolve_union(obj: Enterprise) -> str | None:
        return obj.union.name if obj.union_id else None


class EnterpriseRef(Schema):
    id: int
    name: str


class WorkerOut(Schema):
    id: int
    name: str
    id_number: str
    gender: str
    birth_date: dt.date
    phone: str
    enterprise: EnterpriseRef | None
    membership: str
    member_since: dt.date | None
    hukou: str
    hukou_place: str

    @staticmethod
    def resolve_id_number(obj: Worker) -> str:
        return obj.id_masked

    @staticmethod
    def resolve_phone(obj: Worker) -> str:
        return obj.phone_masked


class WorkerDetail(WorkerOut):
    tags: list[str]
    employments: list[dict]

    @staticmethod
    def resolve_tags(obj: Worker) -> list[str]:
        return [t.code for t in obj.tags.all()]

    @staticmethod
    def resolve_employments(obj: Worker) -> list[dict]:
        return [{"enterprise": e.enterprise.name, "joined_on": e.joined_on, "left_on": e.left_on}
                for e in obj.employments.all()]


class ImportJobOut(Schema):
    id: int
    kind: str
    filename: str
    status: str
    message: str
    total_rows: int
    good_rows: int
    error_rows: int
    blank_rows: int
    created: int
    updated: int
    progress: dict
    errors: list[dict]

    @staticmethod
    def resolve_progress(obj: ImportJob) -> dict:
        return services.import_progress(obj)

    @staticmethod
    def resolve_errors(obj: ImportJob) -> list[dict]:
        return obj.errors[:100]


@router.get("/enterprises", response=list[EnterpriseOut], summary="企业列表")
@paginate(Pages)
def list_enterprises(request, q: str = "", town_id: int | None = None):
    require_scope(request, "registry:read")
    return selectors.enterprise_list(user=request.user, q=q, town_id=town_id)


@router.get("/workers", response=list[WorkerOut], summary="职工列表（脱敏）")
@paginate(Pages)
def list_workers(request, q: str = "", enterprise_id: int | None = None, tag: str | None = None):
    require_scope(request, "registry:read")
    return selectors.worker_search(user=request.user, q=q, enterprise_id=enterprise_id, tag=tag)


@router.get("/workers/{worker_id}", response=WorkerDetail, summary="职工档案（脱敏）")
def get_worker(request, worker_id: int):
    require_scope(request, "registry:read")
    return selectors.worker_get(user=request.user, pk=worker_id)


@router.post("/imports", response={201: ImportJobOut}, summary="上传导入文件（异步校验）")
def create_import(request, kind: Form[str], file: File[UploadedFile]):
    require_scope(request, "imports:write")
    job = services.import_job_create(actor=request.user, kind=kind, filename=file.name or "upload",
                                     data=file.read(), request=request)
    return Status(201, selectors.import_job_get(user=request.user, pk=job.pk))


@router.get("/imports/{job_id}", response=ImportJobOut, summary="导入任务状态")
def get_import(request, job_id: int):
    require_scope(request, "imports:write")
    return selectors.import_job_get(user=request.user, pk=job_id)


@router.post("/imports/{job_id}/confirm", response=ImportJobOut, summary="确认导入有效行")
def confirm_import(request, job_id: int):
    require_scope(request, "imports:write")
    job = selectors.import_job_get(user=request.user, pk=job_id)
    services.import_job_confirm(actor=request.user, job=job, request=request)
    return selectors.import_job_get(user=request.user, pk=job_id)
