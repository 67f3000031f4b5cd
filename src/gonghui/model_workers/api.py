"""The model workers on /api/v1/ (read-only, scoped like the workbench: a unit's staff read the model workers
it manages, the city all): the register, masked, and a model worker's record with the allowances, subsidies
and visits. Health results are not offered (health data: on the workbench, to the managing staff, audited).
Hospital claims are filed and stepped through ``/cases``."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.registry.api import Pages
from gonghui.web.api_auth import require_scope

from . import selectors

router = Router(tags=["model_workers"])


class ModelWorkerOut(Schema):
    id: int
    name: str
    id_masked: str
    title: str
    level: str
    level_label: str
    year_awarded: int
    awarding_body: str
    employer: str
    status: str
    retired_on: str | None
    died_on: str | None
    unit: str

    @staticmethod
    def resolve_name(obj):
        return obj["name"] if isinstance(obj, dict) else obj.worker.name

    @staticmethod
    def resolve_id_masked(obj):
        return obj["id_masked"] if isinstance(obj, dict) else obj.worker.id_masked

    @staticmethod
    def resolve_title(obj):
        return obj["title"] if isinstance(obj, dict) else obj.title.name

    @staticmethod
    def resolve_level_label(obj):
        return obj["level_label"] if isinstance(obj, dict) else obj.get_level_display()

    @staticmethod
    def resolve_status(obj):
        from django.utils import timezone

        return obj["status"] if isinstance(obj, dict) else obj.status_on(timezone.localdate())

    @staticmethod
    def resolve_retired_on(obj):
        day = obj["retired_on"] if isinstance(obj, dict) else obj.retired_on
        return day.isoformat() if hasattr(day, "isoformat") else day

    @staticmethod
    def resolve_died_on(obj):
        day = obj["died_on"] if isinstance(obj, dict) else obj.died_on
        return day.isoformat() if hasattr(day, "isoformat") else day

    @staticmethod
    def resolve_unit(obj):
        return obj["unit"] if isinstance(obj, dict) else obj.org.name


class ModelWorkerDetail(ModelWorkerOut):
    allowances: list[dict]
    subsidies: list[dict]
    visits: list[dict]


def _out(mw) -> dict:
    from django.utils import timezone

    return {"id": mw.pk, "name": mw.worker.name, "id_masked": mw.worker.id_masked, "title": mw.title.name,
            "level": mw.level, "level_label": mw.get_level_display(), "year_awarded": mw.year_awarded,
            "awarding_body": mw.awarding_body, "employer": mw.employer, "status": mw.status_on(timezone.localdate()),
            "retired_on": mw.retired_on.isoformat() if mw.retired_on else None,
            "died_on": mw.died_on.isoformat() if mw.died_on else None, "unit": mw.org.name}


@router.get("/model-workers", response=list[ModelWorkerOut], summary="劳模名册（脱敏，按管理单位范围）")
@paginate(Pages)
def list_model_workers(request, q: str = "", level: str = "", status: str = "", unit_id: int | None = None):
    require_scope(request, "registry:read")
    return selectors.search(request.user, q=q, level=level, status=status, unit=str(unit_id or ""))


@router.get("/model-workers/{model_worker_id}", response=ModelWorkerDetail,
            summary="劳模信息（荣誉津贴、医疗补助、慰问）")
def get_model_worker(request, model_worker_id: int):
    require_scope(request, "registry:read")
    mw = selectors.get(request.user, model_worker_id)
    return {**_out(mw),
            "allowances": [{"month": a.month.strftime("%Y-%m"), "amount": str(a.amount), "days": a.days,
                            "working": a.working, "paid": a.paid_at is not None}
                           for a in selectors.allowances_of(mw)],
            "subsidies": [{"case": s.case.number, "year": s.year, "amount": str(s.amount),
                           "paid": s.paid_at is not None} for s in mw.subsidies.select_related("case")],
            "visits": [{"visited_on": v.visited_on.isoformat(), "reason": v.reason, "amount": str(v.amount)}
                       for v in mw.visits.all()]}
