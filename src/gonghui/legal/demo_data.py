"""Demo data of legal services: the law firm of the union's legal service centre with its 8 lawyers
(the article), partners with the assignment-scoped role at the city federation, and legal-aid cases in every
stage — built through the real services, so every timeline, clock and audit row is the real thing.
Deterministic, idempotent. The firm's name and the lawyers' names are invented."""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.demo_accounts import ensure_partner_people
from gonghui.accounts.models import PartnerKind
from gonghui.core import pii
from gonghui.legal.models import DutySlot
from gonghui.orgs.models import Org

FIRM = "福建晋律律师事务所"
LAWYERS = ["陈建华", "林秀英", "许文斌", "施雅婷", "蔡志明", "吴丽华", "洪振宇", "王淑贞"]


def ensure_partners(*, firm: str = FIRM, lawyers=LAWYERS, prefix: str = "lawyer") -> list:
    """The firm under agreement with the city federation and its lawyers (usernames ``lawyer1`` …), each with
    the partner role; returns the lawyers' users."""
    users = ensure_partner_people(name=firm, kind=PartnerKind.LAW_FIRM, role="partner", people=lawyers,
                                  prefix=prefix, title="律师", phone="0595-85600000",
                                  address="晋江市青阳街道世纪大道（演示地址）")
    partner = users[0].partner
    if partner.account_enc is None:  # rewards are paid to the firm's account
        partner.bank_name, partner.account_name = "中国工商银行晋江支行", firm
        partner.account_enc = pii.encrypt("1408200109024567" + str(len(firm) % 10), field="bank_card")
        partner.save(update_fields=["bank_name", "account_name", "account_enc"])
    return users


SEED = 2021
OPPONENTS = ["晋江市鸿达鞋材有限公司", "晋江市顺发服装织造有限公司", "福建晋江恒信包装有限公司",
             "晋江市安盛建材有限公司"]
FACTS = {"追索劳动报酬": "公司自今年5月起拖欠工资，多次催讨未果。",
         "工伤赔偿": "在车间作业时右手被机器压伤，已认定工伤，公司不予赔偿。",
         "劳动合同纠纷": "公司未签书面劳动合同，口头通知解除劳动关系，未支付经济补偿。",
         "社会保险待遇": "公司未依法缴纳社会保险，导致无法享受医保待遇。"}
# state to reach → how many cases
PLAN = [("submitted", 3), ("accepted", 2), ("returned", 1), ("aid_granted", 2), ("lawyer_assigned", 2),
        ("represented", 3), ("concluded", 4), ("aid_refused", 1)]
STEPS = {"submitted": [], "accepted": ["accept"], "returned": ["accept", "return"], "aid_granted": ["accept", "grant"],
         "lawyer_assigned": ["accept", "grant", "assign_lawyer"],
         "represented": ["accept", "grant", "assign_lawyer", "lawyer_accept"],
         "concluded": ["accept", "grant", "assign_lawyer", "lawyer_accept"], "aid_refused": ["accept", "refuse"]}


def build_legal() -> dict[str, int]:
    """The firm and its lawyers, and legal-aid cases in every stage (one a group wage case of 5 workers)."""
    from gonghui.cases import services as cases
    from gonghui.cases.demo_data import demo_image
    from gonghui.cases.models import Case, ServiceItem
    from gonghui.registry.models import Worker

    from . import services

    lawyers = ensure_partners()
    item = ServiceItem.objects.get(code="legal_aid")
    if Case.objects.filter(item=item).exists() or not Worker.objects.exists():
        return {"cases": 0, "consultations": 0, "duty": 0, "mediations": 0}
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    staff = get_user_model().objects.get(username="city_staff")
    workers = list(Worker.objects.filter(enterprise__isnull=False).select_related("enterprise").order_by("pk")[:400])
    chosen = rng.sample(workers, k=sum(n for _, n in PLAN) + 5 + len(QUESTIONS))
    made = 0
    for state, count in PLAN:
        for _ in range(count):
            worker = chosen[made]
            claim = rng.choice(list(FACTS))
            amount = Decimal(rng.randrange(8000, 90000, 500))
            with transaction.atomic():
                case = cases.case_create(actor=staff, item=item, worker=worker, data={
                    "claim_type": claim, "opponent": worker.enterprise.name if worker.enterprise else OPPONENTS[0],
                    "amount": str(amount), "facts": FACTS[claim], "phone": worker.phone or "13800000000"})
                for material in ("id_card", "labour_proof"):
                    cases.attachment_add(actor=staff, case=case, material=material, name=f"{material}.png",
                                         data=demo_image(material, "#eee6f5"))
                cases.transition(actor=staff, case=case, name="submit")
                lawyer = lawyers[made % len(lawyers)]
                for step in STEPS[state]:
                    actor = lawyer if step.startswith("lawyer_") else staff
                    kwargs = {"partner": lawyer} if step == "assign_lawyer" else {}
                    if step == "return":
                        kwargs["fix"] = {"items": [{"type": "material", "key": "evidence", "note": "请提供欠薪凭证"}]}
                    if step == "refuse":
                        kwargs["reason"] = "申报家庭人均月收入高于经济困难标准，且不属于免予审查的情形"
                    cases.transition(actor=actor, case=case, name=step, **kwargs)
                if state in ("represented", "concluded"):
                    _stages(services, lawyer, case, rng, concluded=state == "concluded")
            made += 1
    _group_case(item, staff, lawyers[0], chosen[made:], rng)
    consultations = _consultations(staff, chosen[made + 5:made + 11])
    duty = _duty(staff, lawyers[:2])
    mediations = _mediations(staff, rng)
    return {"cases": made + 1, "consultations": consultations, "duty": duty, "mediations": mediations}


def _stages(services, lawyer, case, rng, *, concluded: bool) -> None:
    on = timezone.localdate()
    services.stage_add(actor=lawyer, case=case, kind="negotiation", started_on=on, ended_on=on, result="用人单位拒绝")
    if not concluded:
        return
    services.stage_add(actor=lawyer, case=case, kind="arbitration", started_on=on, ended_on=on,
                       result="仲裁委员会调解，达成协议")
    amounts = {}
    for client in case.aid_clients.all():
        awarded = (client.claimed * Decimal("0.8")).quantize(Decimal("0.01"))
        amounts[client.pk] = (awarded, awarded if rng.random() < 0.8 else (awarded / 2).quantize(Decimal("0.01")))
    services.aid_conclude(actor=lawyer, case=case, outcome="mediated", summary="仲裁调解结案", amounts=amounts)


def _group_case(item, staff, lawyer, workers, rng) -> None:
    """Five workers of one employer claiming unpaid wages together: one case, five clients."""
    from gonghui.cases import services as cases
    from gonghui.cases.demo_data import demo_image

    from . import services

    lead, *others = workers[:5]
    with transaction.atomic():
        case = cases.case_create(actor=staff, item=item, worker=lead, data={
            "claim_type": "追索劳动报酬", "opponent": OPPONENTS[0], "amount": "42000",
            "facts": "集体欠薪：公司停产，拖欠5名职工3个月工资。", "phone": lead.phone or "13800000000"})
        for material in ("id_card", "labour_proof"):
            cases.attachment_add(actor=staff, case=case, material=material, name=f"{material}.png",
                                 data=demo_image(material, "#eee6f5"))
        cases.transition(actor=staff, case=case, name="submit")
        cases.transition(actor=staff, case=case, name="accept")
        for worker in others:
            services.client_add(actor=staff, case=case, id_number=worker.id_number_clear(),
                                claimed=str(rng.randrange(20000, 45000, 1000)))
        cases.transition(actor=staff, case=case, name="grant")
        cases.transition(actor=staff, case=case, name="assign_lawyer", partner=lawyer)
        cases.transition(actor=lawyer, case=case, name="lawyer_accept")
        services.stage_add(actor=lawyer, case=case, kind="negotiation", started_on=timezone.localdate(),
                           result="与企业协商，企业承诺分期支付")


QUESTIONS = [
    ("追索劳动报酬", "公司已经两个月没发工资了，老板说等货款回来再发，我可以辞职并要求补偿吗？",
     "可以。用人单位未及时足额支付劳动报酬的，您可以依照《劳动合同法》第三十八条解除劳动合同，并要求支付经济补偿。"
     "建议先保存工资条、考勤记录等证据。"),
    ("工伤赔偿", "在车间搬货时扭伤了腰，公司说是我自己不小心，不给报工伤，怎么办？",
     "在工作时间和工作场所内因工作原因受伤，应当认定为工伤。用人单位不申请的，您本人可以在事故发生之日起1年内"
     "向社会保险行政部门提出工伤认定申请。"),
    ("劳动合同纠纷", "入职半年了公司一直没和我签劳动合同，现在要辞退我，能要求什么？",
     "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。"),
    ("社会保险待遇", "公司从来没给我交过社保，我现在想补缴，可以吗？", ""),
    ("追索劳动报酬", "（12351热线）工地包工头跑了，工资找谁要？", ""),
    ("其他劳动争议", "公司要求我们每天加班3小时但不给加班费，合法吗？", ""),
]


def _consultations(staff, workers) -> int:
    """Consultations answered, waiting and followed up: the demo worker's own (answered, on /m/), and calls
    staff logged from the hotline."""
    from gonghui.cases import services as cases
    from gonghui.cases.demo_data import DEMO_WORKER_PHONE
    from gonghui.cases.models import ServiceItem

    from . import services

    item = ServiceItem.objects.get(code="legal_consult")
    demo = get_user_model().objects.filter(username=DEMO_WORKER_PHONE).first()
    made = 0
    for n, (topic, question, answer) in enumerate(QUESTIONS):
        actor, worker = (demo, None) if n == 0 and demo is not None else (staff, workers[n % len(workers)])
        with transaction.atomic():
            case = cases.case_create(actor=actor, item=item, worker=worker,
                                     data={"topic": topic, "question": question})
            cases.transition(actor=actor, case=case, name="submit")
            if answer:
                lawyer = cases.active_assignment(case).user
                services.consult_answer(actor=lawyer, case=case, text=answer)
        made += 1
    return made


def _duty(staff, lawyers) -> int:
    """Two lawyers at the 陈埭 town centre every half-day around today (the article's festival duty): the
    past half-days recorded as served (each a reward), the coming ones shown to workers on /m/."""
    import datetime as dt

    from gonghui.orgs.models import ServiceCentre

    from . import services

    centre = ServiceCentre.objects.filter(org__code="chendai", kind="town").first()
    if centre is None:
        return 0
    today = timezone.localdate()
    planned = 0
    for lawyer in lawyers:
        planned += services.duty_plan(actor=staff, lawyer=lawyer, centre=centre, start=today - dt.timedelta(days=3),
                                      end=today + dt.timedelta(days=10), halves=["am", "pm"],
                                      note="节日期间法律服务值班（演示）")[0]
    for slot in DutySlot.objects.filter(centre=centre, day__lt=today):
        services.duty_record(actor=staff, slot=slot, served=True)
    return planned


# the districts of the joint mediation centre (an example grouping of the 21 towns by people's tribunal)
DISTRICTS = [
    ("城区片区", "晋江市人民法院", ["qingyang", "meiling", "xiyuan", "luoshan"]),
    ("安海片区", "安海人民法庭", ["anhai", "dongshi", "neikeng"]),
    ("陈埭片区", "陈埭人民法庭", ["chendai", "chidian", "xibin"]),
    ("磁灶片区", "磁灶人民法庭", ["cizao", "zimao", "kaifaqu"]),
    ("深沪片区", "深沪人民法庭", ["shenhu", "jinjing", "longhu"]),
    ("英林片区", "英林人民法庭", ["yinglin", "yonghe"]),
    ("灵源片区", "灵源人民法庭", ["lingyuan", "xintang", "gongyequ"]),
]


def ensure_districts() -> list:
    """The 7 districts (example data), each with the city centre's staff member as its officer."""
    from .models import MediationDistrict

    officer = get_user_model().objects.filter(username="city_staff").first()
    made = []
    for order, (name, court, towns) in enumerate(DISTRICTS, start=1):
        district, _ = MediationDistrict.objects.get_or_create(name=name, defaults={"court": court, "order": order})
        district.towns.add(*Org.objects.filter(code__in=towns, depth=2))
        if officer is not None:
            district.officers.add(officer)
        made.append(district)
    return made


# per district, the state its demo mediation reaches
MEDIATION_STATES = ["submitted", "mediating", "agreed", "ruled", "mediation_failed", "party_refused", "agreed"]


def _mediations(staff, rng) -> int:
    """One mediation in each district, in every state: waiting, being mediated, agreed with its payments
    (one group dispute of 12 workers with 3 representatives), confirmed by the court, failed, refused."""
    from gonghui.cases import services as cases
    from gonghui.cases.demo_data import demo_image
    from gonghui.cases.models import ServiceItem
    from gonghui.registry.models import Worker

    from . import mediation

    item = ServiceItem.objects.get(code="mediation")
    made = 0
    for district, state in zip(ensure_districts(), MEDIATION_STATES, strict=True):
        worker = (Worker.objects.filter(org__path__startswith=district.towns.order_by("path").first().path,
                                        enterprise__isnull=False).select_related("enterprise").order_by("pk")
                  [rng.randrange(0, 20)])
        group = made == 2
        with transaction.atomic():
            case = cases.case_create(actor=staff, item=item, worker=worker, data={
                "claim_type": "追索劳动报酬", "opponent": worker.enterprise.name,
                "amount": "48000" if group else "9600",
                "facts": "企业拖欠工资，请求支付。", "workers": "12" if group else "1",
                "representatives": "代表甲\n代表乙\n代表丙" if group else "", "phone": worker.phone or "13800000000"})
            cases.attachment_add(actor=staff, case=case, material="id_card", name="id.png",
                                 data=demo_image("id_card", "#e6f0ea"))
            cases.transition(actor=staff, case=case, name="submit")
            if state == "party_refused":
                cases.transition(actor=staff, case=case, name="party_refused", reason="用人单位表示只接受仲裁")
            elif state != "submitted":
                cases.transition(actor=staff, case=case, name="accept", data={"origin": "职工申请",
                                                                              "consent": "同意调解"})
            if state in ("agreed", "ruled"):
                due = timezone.localdate()
                amount = "48000" if group else "9600"
                mediation.agree(actor=staff, case=case, other_party=worker.enterprise.name, agent="",
                                terms=f"被申请人同意支付拖欠工资共计{amount}元。",
                                payments=f"{due.isoformat()} {amount}")
            if state == "ruled":
                cases.transition(actor=staff, case=case, name="apply_confirmation", data={
                    "court": district.court, "applied_on": timezone.localdate().isoformat()})
                cases.transition(actor=staff, case=case, name="record_ruling", data={
                    "ruling": "确认调解协议有效", "ruling_number": "（2026）闽0582民特1号",
                    "ruled_on": timezone.localdate().isoformat()})
            if state == "mediation_failed":
                cases.transition(actor=staff, case=case, name="fail", reason="双方对欠薪金额分歧较大")
        made += 1
    return made
