"""The access matrix, generated from the URL configuration.

Every named URL must have a rule below; a new page or API endpoint without one fails this test, so
nobody can add an endpoint and forget to decide who may reach it. Each rule is then checked as the
people who must not get in:

- ``PUBLIC``: anyone (public information: centres, sign-in and registration pages, health).
- ``SIGNED_IN``: anonymous visitors are sent to sign in (pages) or get 401 (API).
- ``Scoped(...)``: an object of 梅岭街道 is not found (404) by 青阳街道's staff and by a signed-in
  worker, and the page/endpoint refuses anonymous visitors.
- ``ROLE(perm)``: users lacking the permission are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gonghui.cases.models import Attachment, Case, Rating
from gonghui.mutual_aid.models import Contribution
from gonghui.orgs.models import Org, ServiceCentre
from gonghui.payments.models import PaymentBatch
from gonghui.registry.models import (
    BindingStatus,
    CorrectionRequest,
    Enterprise,
    ImportJob,
    Worker,
    WorkerAccount,
)

PUBLIC = "public"
SIGNED_IN = "signed-in"
NO_PAGE = "no-page"  # a name without a page of its own (ninja's api root): 404 for everyone


@dataclass(frozen=True)
class SignedIn:
    """Signed-in only, reached with ``method``; anonymous visitors go to ``login`` (or get 401)."""

    method: str = "get"
    login: str = "/login/"
    kwargs: dict | Callable[[dict], dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Scoped:
    """An object-addressed URL. ``target`` returns the kwargs addressing an object of 梅岭."""

    target: Callable[[dict], dict]
    method: str = "get"
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Role:
    perm: str
    kwargs: dict = field(default_factory=dict)


def meiling(model, **extra):
    def target(world):
        return {"pk": world[model].pk, **extra}
    return target


def api_target(model, name):
    def target(world):
        return {name: world[model].pk}
    return target


def case_target(**extra):
    """The 梅岭 case by its number (and its attachment, rating or a step when asked)."""
    def target(world):
        kwargs = {"number": world[Case].number}
        for key, value in extra.items():
            kwargs[key] = world[value].pk if isinstance(value, type) else value
        return kwargs
    return target


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4 x")


def item_target(world):
    return {"code": "ticket_home"}


RULES = {
    "healthz": PUBLIC,
    "desk:login": PUBLIC,
    "desk:logout": SignedIn("post"),
    "desk:password_change": SIGNED_IN,
    "desk:2fa_setup": SIGNED_IN,
    "desk:2fa_verify": SIGNED_IN,
    "desk:home": SIGNED_IN,
    "desk:start": SIGNED_IN,
    "desk:org_detail": Scoped(meiling(Org)),
    "desk:centre_list": SIGNED_IN,
    "desk:centre_detail": Scoped(meiling(ServiceCentre)),
    "registry:worker_list": SIGNED_IN,
    "registry:worker_export": SIGNED_IN,
    "registry:worker_detail": Scoped(meiling(Worker)),
    "registry:worker_reveal": Scoped(meiling(Worker, what="id_number"), method="post"),
    "registry:enterprise_list": SIGNED_IN,
    "registry:enterprise_detail": Scoped(meiling(Enterprise)),
    "registry:binding_list": SIGNED_IN,
    "registry:correction_list": SIGNED_IN,
    "registry:correction_handle": Scoped(meiling(CorrectionRequest), method="post", data={"decision": "accept"}),
    "registry:binding_decide": Scoped(meiling(WorkerAccount), method="post", data={"decision": "refuse", "reason": "x"}),
    "registry:import_list": SIGNED_IN,
    "registry:import_template": Role("", {"kind": "workers"}),
    "registry:import_detail": Scoped(meiling(ImportJob)),
    "registry:import_progress": Scoped(meiling(ImportJob)),
    "registry:import_confirm": Scoped(meiling(ImportJob), method="post"),
    "registry:import_errors": Scoped(meiling(ImportJob)),
    "audit_list": Role("core.view_auditlog"),
    "audit_export": Role("core.view_auditlog"),
    "api-v1:openapi-json": PUBLIC,
    "api-v1:openapi-view": PUBLIC,
    "api-v1:api-root": NO_PAGE,
    "api-v1:list_enterprises": SIGNED_IN,
    "api-v1:list_workers": SIGNED_IN,
    "api-v1:get_worker": Scoped(api_target(Worker, "worker_id")),
    "api-v1:create_import": SignedIn("post"),
    "api-v1:get_import": Scoped(api_target(ImportJob, "job_id")),
    "api-v1:confirm_import": Scoped(api_target(ImportJob, "job_id"), method="post"),
    "portal:home": PUBLIC,
    "portal:manifest": PUBLIC,
    "portal:service_worker": PUBLIC,
    "portal:offline": PUBLIC,
    "portal:centre_list": PUBLIC,
    "portal:centre_detail": Scoped(meiling(ServiceCentre)),  # public information: see PUBLIC_OBJECTS
    "portal:login": PUBLIC,
    "portal:register": PUBLIC,
    "portal:password_reset": PUBLIC,
    "portal:logout": SignedIn("post", login="/m/"),
    "portal:me": SIGNED_IN,
    "portal:bind": SIGNED_IN,
    "portal:privacy": SIGNED_IN,
    "portal:my_data": SIGNED_IN,
    "cases:queue": SIGNED_IN,
    "cases:queue_export": SIGNED_IN,
    "cases:intake": SIGNED_IN,
    "cases:inbox": SIGNED_IN,
    "cases:follow_ups": SIGNED_IN,
    "cases:follow_up_close": Scoped(meiling(Rating), method="post", data={"note": "已回访"}),
    "cases:detail": Scoped(case_target()),
    "cases:edit": Scoped(case_target()),
    "cases:step": Scoped(case_target(name="accept"), method="post"),
    "cases:attach": Scoped(case_target(), method="post", data={"material": "other"}),
    "cases:note": Scoped(case_target(), method="post", data={"text": "备注"}),
    "cases:assign": Scoped(case_target(), method="post", data={"assignee": ""}),
    "cases:extend": Scoped(case_target(), method="post", data={"clock": "finish", "days": "3", "reason": "x"}),
    "cases:file": Scoped(case_target(pk=Attachment)),
    "cases:reveal": Scoped(case_target(key="passenger_ids"), method="post"),
    "portal_cases:catalogue": PUBLIC,
    "portal_cases:guide": Scoped(item_target),  # public information: see PUBLIC_OBJECTS
    "portal_cases:apply": SignedIn(login="/m/login/", kwargs={"code": "ticket_home"}),
    "portal_cases:my_cases": SignedIn(login="/m/login/"),
    "portal_cases:messages": SignedIn(login="/m/login/"),
    "portal_cases:detail": Scoped(case_target()),
    "portal_cases:edit": Scoped(case_target()),
    "portal_cases:attach": Scoped(case_target(), method="post", data={"material": "id_card"}),
    "portal_cases:step": Scoped(case_target(name="withdraw"), method="post"),
    "portal_cases:rate": Scoped(case_target(), method="post", data={"score": "5"}),
    "portal_cases:file": Scoped(case_target(pk=Attachment)),
    "api-v1:list_items": SIGNED_IN,
    "api-v1:create_case": SignedIn("post"),
    "api-v1:list_cases": SIGNED_IN,
    "api-v1:get_case": Scoped(case_target()),
    "api-v1:add_attachment": Scoped(case_target(), method="post", data={"material": "other", "file": _upload}),
    "api-v1:take_transition": Scoped(case_target(name="accept"), method="post"),
    "api-v1:get_timeline": Scoped(case_target()),
    "mutual_aid:overview": SIGNED_IN,
    "mutual_aid:contribution_pay": Scoped(meiling(Contribution), method="post", data={"amount": "36"}),
    "mutual_aid:invoices": Scoped(case_target(), method="post", data={"number": "123456"}),
    "mutual_aid:claim_form": Scoped(case_target()),
    "payments:batches": SIGNED_IN,
    "payments:batch": Scoped(meiling(PaymentBatch)),
    "payments:batch_approve": Scoped(meiling(PaymentBatch), method="post"),
    "payments:batch_export": Scoped(meiling(PaymentBatch)),
    "payments:batch_result": Scoped(meiling(PaymentBatch), method="post"),
    "mutual_aid_m:coverage": SignedIn(login="/m/login/"),
    "mutual_aid_m:invoices": Scoped(case_target(), method="post", data={"number": "123456"}),
    "mutual_aid_m:payee": Scoped(case_target(), method="post", data={"bank_card": "6222021402000000001"}),
    "mutual_aid_dash:figures": SIGNED_IN,
    "mutual_aid_dash:reconcile": SIGNED_IN,
    # plan years are the whole city's: every signed-in staff member with mutual aid reads them, only the
    # city's mutual-aid administrators change them (tests/mutual_aid/test_plan_years.py)
    "mutual_aid:years": SIGNED_IN,
    "mutual_aid:year": SignedIn(kwargs={"year": 2026}),
    "mutual_aid:year_window": SignedIn("post", kwargs={"year": 2026}),
    "mutual_aid:year_close": SignedIn("post", kwargs={"year": 2026}),
    "mutual_aid:late_exception": SignedIn("post", kwargs={"year": 2026}),
    "mutual_aid:history_upload": SignedIn("post", kwargs={"year": 2026}),
    "mutual_aid:product_new": SignedIn(kwargs={"year": 2026}),
    "mutual_aid:product": SignedIn(kwargs=lambda world: {"year": 2026, "pk": world["product"].pk}),
    "mutual_aid:rule_change": SignedIn("post", kwargs=lambda world: {"year": 2026, "pk": world["product"].pk}),
    "api-v1:create_claim": SignedIn("post"),
    "api-v1:get_claim": Scoped(case_target()),
    "api-v1:add_invoice": Scoped(case_target(), method="post", data={
        "number": "123456", "hospital": "晋江市医院", "issued_on": "2026-03-08", "amount": "100", "eligible": "80"}),
    "dash:home": SIGNED_IN,
    "legal:stage_add": Scoped(case_target(), method="post", data={"kind": "negotiation", "started_on": "2026-01-05"}),
    "legal:client_add": Scoped(case_target(), method="post", data={"id_number": "x", "claimed": "1"}),
    "legal:conclude": Scoped(case_target(), method="post", data={"outcome": "settled"}),
    "legal:rewards": SIGNED_IN,
    "legal_dash:figures": SIGNED_IN,
    "notices:list": SIGNED_IN,
    "notices:detail": Scoped(lambda world: {"number": world["notice"].number}),
    "notices:publish": Scoped(lambda world: {"number": world["notice"].number}, method="post"),
    "notices:objection_answer": Scoped(lambda world: {"number": world["notice"].number, "pk": 1}, method="post",
                                       data={"upheld": "0", "findings": "核查"}),
    "notices:pdf": Scoped(lambda world: {"number": world["notice"].number}),
    "notices_m:notice": Scoped(lambda world: {"number": world["notice"].number}),  # public: see PUBLIC_OBJECTS
    "api-v1:get_consultation": Scoped(case_target()),
    "api-v1:answer_consultation": Scoped(case_target(), method="post", data={"text": "答复"}),
    "api-v1:get_aid_case": Scoped(case_target()),
    "api-v1:add_stage": Scoped(case_target(), method="post", data={"kind": "negotiation", "started_on": "2026-01-05"}),
    "api-v1:get_mediation": Scoped(case_target()),
    "legal:consult_answer": Scoped(case_target(), method="post", data={"text": "答复"}),
    "legal:consult_convert": Scoped(case_target(), method="post", data={"target": "legal_aid"}),
    "legal_m:follow_up": Scoped(case_target(), method="post", data={"text": "追问"}),
    "legal_m:convert": Scoped(case_target(), method="post", data={"target": "mediation"}),
    "legal_m:duty": PUBLIC,
    "legal_m:document": Scoped(case_target(which="agreement")),
    "legal:mediation_agree": Scoped(case_target(), method="post", data={"other_party": "x", "terms": "y"}),
    "legal:mediation_paid": Scoped(case_target(pk=1), method="post", data={"paid_on": "2026-01-05"}),
    "legal:document": Scoped(case_target(which="notice")),
    "legal:duty": SIGNED_IN,
    "assistance:files": SIGNED_IN,
    "assistance:publicise": SIGNED_IN,
    "assistance:campaigns": SIGNED_IN,
    "assistance:festival": SIGNED_IN,
    "assistance:festival_detail": Scoped(lambda world: {"pk": world["festival"].pk}),
    "assistance:festival_record": Scoped(lambda world: {"pk": world["visit"].pk}, method="post",
                                         data={"visited_on": "2026-01-05", "visitors": "x", "cash": "100"}),
    "assistance:festival_receipt": Scoped(lambda world: {"pk": world["visit"].pk}),
    "assistance:member_add": Scoped(case_target(), method="post", data={"name": "x", "relation": "child"}),
    "assistance:member_remove": Scoped(case_target(pk=1), method="post"),
    "assistance:visit": Scoped(case_target(), method="post", data={"visitors": "甲、乙", "findings": "x"}),
    "assistance:review": Scoped(case_target(), method="post", data={"visitors": "甲、乙", "findings": "x"}),
    "assistance:close": Scoped(case_target(), method="post", data={"reason": "x"}),
    "aid:invoice_add": Scoped(case_target(), method="post", data={"number": "12345678"}),
    "assistance_m:member_add": Scoped(case_target(), method="post", data={"name": "x", "relation": "child"}),
    "assistance_m:member_remove": Scoped(case_target(pk=1), method="post"),
    "aid_m:invoice_add": Scoped(case_target(), method="post", data={"number": "12345678"}),
    "aid_m:invoice_remove": Scoped(case_target(pk=1), method="post"),
    "assistance_m:payee": Scoped(case_target(), method="post", data={"bank_card": "6222021402000000001"}),
    "assistance_dash:figures": SIGNED_IN,
    "api-v1:get_file": Scoped(case_target()),
    "api-v1:add_member": Scoped(case_target(), method="post", data={"name": "x", "relation": "child",
                                                                    "id_number": "x"}),
    "api-v1:get_application": Scoped(case_target()),
    "legal:duty_record": Scoped(lambda world: {"pk": world["duty"].pk}, method="post", data={"served": "1"}),
    "legal:duty_cancel": Scoped(lambda world: {"pk": world["duty"].pk}, method="post"),
    # model workers: a unit's staff reach the model workers it manages; the allowance runs and recuperation
    # groups are the city's (read by every unit's manager, changed by the city: tests/model_workers)
    "model_workers:register": SIGNED_IN,
    "model_workers:add": SIGNED_IN,
    "model_workers:import": SignedIn("post"),
    "model_workers:import_template": SIGNED_IN,
    "model_workers:detail": Scoped(lambda world: {"pk": world["model_worker"].pk}),
    "model_workers:bank": Scoped(lambda world: {"pk": world["model_worker"].pk}, method="post",
                                 data={"bank_card": "6217000000000009", "bank_name": "建行"}),
    "model_workers:certificate": Scoped(lambda world: {"pk": world["model_worker"].pk}),
    "model_workers:visit": Scoped(lambda world: {"pk": world["model_worker"].pk}, method="post",
                                  data={"visited_on": "2026-01-05", "visitors": "x", "reason": "x", "amount": "1"}),
    "model_workers:check": Scoped(lambda world: {"pk": world["model_worker"].pk}, method="post",
                                  data={"checked_on": "2026-01-05", "hospital": "x", "result": "x"}),
    "model_workers:checks": SIGNED_IN,
    "model_workers:check_result": Scoped(lambda world: {"pk": world["health_check"].pk}),
    "model_workers:allowances": SIGNED_IN,
    "model_workers:run": SignedIn(kwargs=lambda world: {"pk": world["run"].pk}),
    "model_workers:recuperation": SIGNED_IN,
    "model_workers:group": SignedIn(kwargs=lambda world: {"pk": world["group"].pk}),
    "model_workers:recuperant_remove": Scoped(lambda world: {"pk": world["recuperant"].pk}, method="post"),
    "model_workers_m:mine": SignedIn(login="/m/login/"),
    "model_workers_m:payee": Scoped(case_target(), method="post", data={"bank_card": "6222021402000000001"}),
    "model_workers_dash:figures": SIGNED_IN,
    "api-v1:list_model_workers": SIGNED_IN,
    "api-v1:get_model_worker": Scoped(lambda world: {"model_worker_id": world["model_worker"].pk}),
    "cases:document": Scoped(lambda world: {"number": world["petition"].number, "doc": world["petition_doc"]}),
    "portal_cases:document": Scoped(lambda world: {"number": world["petition"].number, "doc": world["petition_doc"]}),
    # petitions (tests/petitions): the register, supervision and calls pages check the right in the service
    "petitions:register": SIGNED_IN,
    "petitions:supervise": SIGNED_IN,
    "petitions:supervise_export": SIGNED_IN,
    "petitions:calls": SIGNED_IN,
    "petitions:route": Scoped(lambda world: {"number": world["petition"].number}, method="post",
                              data={"step": "refer", "authority": "劳动监察"}),
    "petitions:answer": Scoped(lambda world: {"number": world["petition"].number}, method="post"),
    "petitions:call_back": Scoped(lambda world: {"number": world["petition"].number}, method="post"),
    "petitions:accused": Scoped(lambda world: {"number": world["petition"].number}, method="post"),
    "petitions:repeat": Scoped(lambda world: {"number": world["petition"].number}, method="post"),
    "petitions:supervise_case": Scoped(lambda world: {"number": world["petition"].number}, method="post",
                                       data={"text": "请加快办理"}),
    "petitions:supervision_answer": Scoped(lambda world: {"pk": world["supervision"].pk}, method="post",
                                           data={"text": "已办理"}),
    "petitions_dash:figures": SIGNED_IN,
    # scheduling (tests/scheduling): lists and forms check the right in the view or the service
    "scheduling:sessions": SIGNED_IN,
    "scheduling:mine": SIGNED_IN,
    "scheduling:checkin": SIGNED_IN,
    "scheduling:session_new": SIGNED_IN,
    "scheduling:schedule_new": SIGNED_IN,
    "scheduling:courses": SIGNED_IN,
    "scheduling:course_new": SIGNED_IN,
    "scheduling:suspensions": SIGNED_IN,
    "scheduling:session": Scoped(lambda world: {"pk": world["session"].pk}),
    "scheduling:book_for": Scoped(lambda world: {"pk": world["session"].pk}, method="post"),
    "scheduling:session_cancel": Scoped(lambda world: {"pk": world["session"].pk}, method="post",
                                       data={"reason": "停电"}),
    "scheduling:session_close": Scoped(lambda world: {"pk": world["session"].pk}, method="post"),
    "scheduling:check_in": Scoped(lambda world: {"pk": world["booking"].pk}, method="post"),
    "scheduling:booking_cancel": Scoped(lambda world: {"pk": world["booking"].pk}, method="post"),
    "scheduling:course": Scoped(lambda world: {"pk": world["course"].pk}),
    "scheduling:course_complete": Scoped(lambda world: {"pk": world["course"].pk}, method="post"),
    "scheduling:suspension_lift": Scoped(lambda world: {"pk": world["suspension"].pk}, method="post",
                                         data={"reason": "误记"}),
    "scheduling_dash:figures": SIGNED_IN,
    "scheduling_m:home": PUBLIC,
    "scheduling_m:history": SignedIn(login="/m/login/"),
    "scheduling_m:service": Scoped(lambda world: {"code": "spine_clinic"}),  # public: see PUBLIC_OBJECTS
    "scheduling_m:book": SignedIn("post", login="/m/login/", kwargs={"code": "spine_clinic"}),
    # the worker's own booking by its number (another's is not found: tests/scheduling)
    "scheduling_m:booking": SignedIn(login="/m/login/", kwargs=lambda world: {"number": world["booking"].number}),
    "scheduling_m:confirm": SignedIn("post", login="/m/login/",
                                     kwargs=lambda world: {"number": world["booking"].number}),
    "scheduling_m:cancel": SignedIn("post", login="/m/login/",
                                    kwargs=lambda world: {"number": world["booking"].number}),
    "api-v1:scheduling_services": SIGNED_IN,
    "api-v1:scheduling_sessions": SignedIn(kwargs={"code": "spine_clinic"}),
    "api-v1:booking_create": SignedIn("post"),
    "api-v1:booking_get": Scoped(lambda world: {"number": world["booking"].number}),
    "api-v1:booking_cancel": Scoped(lambda world: {"number": world["booking"].number}, method="post"),
    "health:record": Scoped(lambda world: {"pk": world["booking"].pk}),
    "health_m:mine": SignedIn(login="/m/login/"),
    "counselling:contacts": SIGNED_IN,
    "counselling:mailbox": SIGNED_IN,
    "counselling:risks": SIGNED_IN,
    "counselling:groups": SIGNED_IN,
    "counselling:booking_note": Scoped(lambda world: {"pk": world["booking"].pk}),
    "counselling:contact": Scoped(lambda world: {"pk": world["contact"].pk}),
    "counselling:letter": Scoped(lambda world: {"pk": world["letter"].pk}),
    "counselling:disclose": Scoped(lambda world: {"pk": world["contact"].pk}, method="post",
                                   data={"reason": "紧急情况需要立即查阅记录"}),
    "counselling_m:mailbox": SignedIn(login="/m/login/"),
    "api-v1:petition_register": SignedIn("post"),
    # the example module of docs/modules.md (installed by the test settings)
    "example_library_m:loans": SignedIn(login="/m/login/"),
    "api-v1:example_loans": SIGNED_IN,
}


def named_urls(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django admin: every model admin checks its own model permissions
            ns = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from named_urls(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


ALL = sorted(set(named_urls()))


def test_every_url_has_an_access_rule():
    missing = [name for name in ALL if name not in RULES]
    assert not missing, f"URLs without an access rule in tests/test_access_matrix.py: {missing}"
    stale = [name for name in RULES if name not in ALL]
    assert not stale, f"rules for URLs that no longer exist: {stale}"


@pytest.fixture
def world(staff, city):
    return build_world(staff, city)


def build_world(staff, city):
    """One object of each kind in 梅岭街道 (written through the importer), owned by 梅岭's staff."""
    import importlib
    import random

    from django.apps import apps

    from gonghui.mutual_aid.models import PlanYear

    if not PlanYear.objects.exists():  # the shipped plan years, again after a flush
        importlib.import_module("gonghui.mutual_aid.migrations.0002_example_plan_year").create(apps, None)

    from gonghui.core.idnumber import check_char
    from gonghui.registry.demo_data import make_uscc
    from gonghui.registry.importing import EnterpriseImporter, WorkerImporter
    from tests.files import ENTERPRISE_HEADER, WORKER_HEADER, csv_bytes

    code = make_uscc(random.Random(5))
    EnterpriseImporter(scope=city["jinjiang"]).run(
        csv_bytes(ENTERPRISE_HEADER, [["晋江市梅岭矩阵鞋业有限公司", code, "梅岭街道", "鞋业", 10, "", ""]]), "e.csv")
    body = "35058219880808301"
    WorkerImporter(scope=city["jinjiang"]).run(
        csv_bytes(WORKER_HEADER, [["梅岭人", body + check_char(body), "13800138000", code, "", "", "", ""]]), "w.csv")
    worker = Worker.objects.get(name="梅岭人")
    job = ImportJob.objects.create(kind="workers", filename="梅岭.csv", actor=staff["meiling_staff"],
                                   org=city["meiling"], status="validated", good_rows=1)
    from django.contrib.auth import get_user_model

    applicant = get_user_model().objects.create_user("13911112222", password="x", must_change_password=False)
    account = WorkerAccount.objects.create(user=applicant, status=BindingStatus.PENDING, name="梅岭新人",
                                           id_enc=worker.id_enc, id_bidx="x" * 32, town=city["meiling"])
    correction = CorrectionRequest.objects.create(worker=worker, field="name", requested_value="梅岭人乙")
    # a case of 梅岭, filed at its intake point, with a scan, refused and poorly rated
    from gonghui.cases import services as cases
    from gonghui.cases.models import ServiceItem

    case = cases.case_create(actor=staff["meiling_staff"], item=ServiceItem.objects.get(code="ticket_home"),
                             worker=worker, data={"from_station": "晋江站"})
    attachment = cases.attachment_add(actor=staff["meiling_staff"], case=case, material="other", name="scan.pdf",
                                      data=_pdf())
    rated = cases.case_create(actor=staff["meiling_staff"], item=ServiceItem.objects.get(code="ticket_home"),
                              worker=worker, data={"from_station": "晋江站"})
    rating = Rating.objects.create(case=rated, score=1, follow_up="open")
    from gonghui.mutual_aid.models import Product

    contribution = Contribution.objects.create(product=Product.objects.filter(code="inpatient").first(),
                                               enterprise=worker.enterprise, persons=1, amount_due=36)
    batch = PaymentBatch.objects.create(number="ZF-MATRIX", org=city["meiling"], created_by=staff["meiling_staff"])
    # a legal-aid case of 梅岭人, assigned to the demo firm's first lawyer (the partner's one case)
    from gonghui.legal.demo_data import ensure_partners

    lawyers = ensure_partners()
    other_firm = ensure_partners(firm="泉州另一律师事务所", lawyers=["郭明"], prefix="otherfirm")
    aid = cases.case_create(actor=staff["city_staff"], item=ServiceItem.objects.get(code="legal_aid"), worker=worker,
                            data={"claim_type": "追索劳动报酬", "opponent": "矩阵鞋业", "amount": "1000",
                                  "facts": "欠薪", "phone": "13800138000"})
    for material in ("id_card", "labour_proof"):
        cases.attachment_add(actor=staff["city_staff"], case=aid, material=material, name="scan.pdf", data=_pdf())
    for step in ("submit", "accept", "grant"):
        cases.transition(actor=staff["city_staff"], case=aid, name=step)
    cases.transition(actor=staff["city_staff"], case=aid, name="assign_lawyer", partner=lawyers[0])
    import datetime as dt

    from gonghui.legal.models import DutySlot
    from gonghui.notices import services as notices

    notice = notices.notice_create(actor=staff["meiling_staff"], org=city["meiling"], source="matrix", title="梅岭公示",
                                   entries=[notices.Entry(source="matrix", object_id=1, name=worker.name,
                                                          id_number=worker.id_number_clear(), unit="", summary="x")])
    notices.publish(actor=staff["meiling_staff"], notice=notice)
    from gonghui.assistance.models import FestivalVisit, HardshipFile, VisitCampaign

    hardship = HardshipFile.objects.create(case=rated, worker=worker, org=city["meiling"], year=2026)
    festival = VisitCampaign.objects.create(org=city["meiling"], year=2026, name="梅岭送温暖",
                                            created_by=staff["meiling_staff"])
    visit = FestivalVisit.objects.create(campaign=festival, file=hardship)
    duty = DutySlot.objects.create(lawyer=lawyers[0], partner=lawyers[0].partner, day=dt.date(2026, 1, 5), half="am",
                                   centre=ServiceCentre.objects.get(name="梅岭街道职工服务中心"))
    # a model worker managed by 梅岭, with a health check and a place in a recuperation group
    from gonghui.model_workers import services as model_workers
    from gonghui.model_workers.models import AllowanceRun, Title

    if not Title.objects.exists():  # the shipped titles and rules, again after a flush
        importlib.import_module("gonghui.model_workers.migrations.0002_example_rules").add(apps, None)
    model_worker = model_workers.register(
        actor=staff["meiling_staff"], id_number=worker.id_number_clear(), title=Title.objects.first().pk, level="city",
        year_awarded="2010", awarding_body="泉州市人民政府", retired_on="2015-01-01", org=city["meiling"].pk)
    health_check = model_workers.check_record(actor=staff["meiling_staff"], mw=model_worker, checked_on="2026-01-05",
                                              hospital="梅岭卫生院", result="正常")
    group = model_workers.group_create(actor=staff["city_staff"], name="矩阵疗休养", starts_on="2099-01-01",
                                       destination="武夷山", places={city["meiling"]: "2"})
    recuperant = model_workers.recuperant_add(actor=staff["meiling_staff"], group=group, mw=model_worker)
    run = AllowanceRun.objects.create(month=dt.date(2026, 1, 1))
    # a petition handled by 梅岭 (registered there, accepted: its notice in writing), supervised by the city
    from gonghui.cases import services as case_services
    from gonghui.petitions import services as petitions

    petition = petitions.register(actor=staff["meiling_staff"], item_code="petition", channel="visit",
                                  id_number=worker.id_number_clear(),
                                  form={"kind": "工资报酬", "subject": "某企业", "facts": "欠薪三个月", "request": "支付"})
    petition = case_services.transition(actor=staff["meiling_staff"], case=petition, name="accept")
    supervision = petitions.supervise(actor=staff["city_staff"], case=petition, text="请按期答复")
    scheduled = _scheduling_world(staff, city, worker)
    return {**scheduled, Org: city["meiling"], ServiceCentre: ServiceCentre.objects.get(name="梅岭街道职工服务中心"),
            Worker: worker, Enterprise: worker.enterprise, ImportJob: job, WorkerAccount: account,
            CorrectionRequest: correction, Case: case, Attachment: attachment, Rating: rating,
            Contribution: contribution, PaymentBatch: batch,
            "product": Product.objects.get(code="inpatient", plan_year__year=2026),
            "aid": aid, "duty": duty, "notice": notice, "festival": festival, "visit": visit, "lawyer": lawyers[0], "same_firm": lawyers[1], "other_firm": other_firm[0],
            "model_worker": model_worker, "health_check": health_check, "group": group, "recuperant": recuperant,
            "run": run, "petition": petition, "petition_doc": petition.documents.get().number,
            "supervision": supervision}


def _scheduling_world(staff, city, worker) -> dict:
    """梅岭's clinic session with a booking, a course, a suspension, a counselling contact and a letter."""
    import datetime as dt

    from django.utils import timezone

    from gonghui.core import pii
    from gonghui.counselling.models import Contact, Letter
    from gonghui.scheduling import services as scheduling
    from gonghui.scheduling.models import Service, Suspension

    clerk = staff["meiling_staff"]
    day = timezone.localdate() + dt.timedelta(days=3)
    clinic, taichi = Service.objects.get(code="spine_clinic"), Service.objects.get(code="taichi")
    session = scheduling.session_create(actor=clerk, service=clinic, org=city["meiling"], date=day,
                                        starts_at=dt.time(9), ends_at=dt.time(9, 30), capacity=2)
    booking = scheduling.book(actor=clerk, worker=worker, session=session, channel="desk")
    course = scheduling.course_create(actor=clerk, service=taichi, org=city["meiling"], title="太极一期", capacity=5,
                                      required=1, meetings=[(day, dt.time(19), dt.time(20))])
    suspension = Suspension.objects.create(worker=worker, service=clinic, starts_on=day, until=day, reason="爽约")
    contact = Contact(org=city["meiling"], counsellor=clerk, channel="hotline", occurred_on=day, minutes=20)
    contact.set_note("梅岭的咨询记录")
    contact.save()
    letter = Letter.objects.create(org=city["meiling"], worker=worker, subject="信",
                                   body_enc=pii.encrypt("来信", field="counselling_letter"))
    return {"session": session, "booking": booking, "course": course, "suspension": suspension,
            "contact": contact, "letter": letter}


def _pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _url(name, rule, world):
    kwargs = rule.target(world) if isinstance(rule, Scoped) else (
        rule.kwargs if isinstance(rule, Role | SignedIn) else {})
    if callable(kwargs):
        kwargs = kwargs(world)
    return reverse(name, kwargs=kwargs)


PUBLIC_OBJECTS = {"portal:centre_detail", "portal_cases:guide", "notices_m:notice", "scheduling_m:service"}  # addressed by id, but public: every worker may find a centre


def _call(client, rule, url):
    if isinstance(rule, Scoped) and rule.method == "post":
        data = {k: v() if callable(v) else v for k, v in rule.data.items()}
        if url.startswith("/api/") and not any(callable(v) for v in rule.data.values()):
            import json

            return client.post(url, json.dumps(data), content_type="application/json")  # the API speaks JSON
        return client.post(url, data)
    if isinstance(rule, SignedIn) and rule.method == "post":
        return client.post(url)
    return client.get(url)


@pytest.mark.parametrize("name", ALL)
def test_anonymous_visitors(name, world):
    rule = RULES[name]
    response = _call(Client(), rule, _url(name, rule, world))
    if rule == PUBLIC or name in PUBLIC_OBJECTS:
        assert response.status_code == 200, name
    elif rule == NO_PAGE:
        assert response.status_code == 404, name
    else:
        api = name.startswith("api-v1:")
        assert response.status_code == (401 if api else 302), name
        if not api:
            expected = rule.login if isinstance(rule, SignedIn) else "/login/"
            assert expected in response["Location"], name


SCOPED = [n for n in ALL if isinstance(RULES[n], Scoped) and n not in PUBLIC_OBJECTS]


@pytest.mark.parametrize("name", SCOPED)
def test_another_towns_staff_do_not_find_the_object(name, world, login):
    rule = RULES[name]
    response = _call(login("qingyang_staff"), rule, _url(name, rule, world))
    assert response.status_code == 404, (name, response.status_code)


@pytest.mark.parametrize("name", SCOPED)
def test_a_worker_reaches_no_staff_object(name, world):
    from django.contrib.auth import get_user_model

    from gonghui.registry.accounts import register  # noqa: F401 - a worker account as /m/ creates it

    worker_user = get_user_model().objects.create_user("13933334444", password="x", must_change_password=False)
    client = Client()
    client.force_login(worker_user)
    rule = RULES[name]
    response = _call(client, rule, _url(name, rule, world))
    assert response.status_code in (403, 404), (name, response.status_code)


@pytest.mark.parametrize("name", [n for n in ALL if isinstance(RULES[n], Role) and RULES[n].perm])
def test_role_pages_refuse_users_without_the_permission(name, world, login):
    rule = RULES[name]
    response = login("city_staff").get(_url(name, rule, world))
    assert response.status_code == 403, name


@pytest.mark.parametrize("who", ["lawyer1", "lawyer2", "otherfirm1"])
@pytest.mark.parametrize("name", SCOPED)
def test_a_partner_reaches_no_object_but_the_case_assigned_to_them(name, who, world, login):
    """A lawyer (a partner) finds nothing of the tree — not 梅岭's worker, case, batch or import — whether
    they hold a case of their own (lawyer1), are of the same firm (lawyer2) or of another firm."""
    rule = RULES[name]
    response = _call(login(who), rule, _url(name, rule, world))
    assert response.status_code in (403, 404), (name, who, response.status_code)


@pytest.mark.parametrize("name", ["cases:detail", "cases:attach", "legal:stage_add", "legal:conclude",
                                  "api-v1:get_case", "api-v1:get_timeline", "cases:step"])
def test_only_the_assigned_lawyer_reaches_the_legal_aid_case(name, world, login):
    rule = RULES[name]
    kwargs = rule.target(world)
    kwargs["number"] = world["aid"].number
    if name == "cases:step":
        kwargs["name"] = "lawyer_accept"
    url = reverse(name, kwargs=kwargs)
    for who in ("lawyer2", "otherfirm1", "qingyang_staff"):
        assert _call(login(who), rule, url).status_code == 404, (name, who)
    assert _call(login("lawyer1"), rule, url).status_code in (200, 302), name


def test_the_owner_does_reach_the_scoped_objects(world, login):
    """The matrix is not vacuous: 梅岭's own staff get the pages the others do not."""
    client = login("meiling_staff")
    for name in ("desk:org_detail", "desk:centre_detail", "registry:worker_detail", "registry:enterprise_detail",
                 "registry:import_detail", "api-v1:get_worker", "cases:detail", "cases:file", "api-v1:get_case",
                 "api-v1:get_timeline", "model_workers:detail", "model_workers:check_result"):
        rule = RULES[name]
        assert _call(client, rule, _url(name, rule, world)).status_code == 200, name
