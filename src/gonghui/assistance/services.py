"""Every write of the needy-worker programmes: the household of a file, the home visit, the public notice,
approval onto the file, the yearly review and the exit; aid applications (with their invoices) and their
amounts; Golden Autumn; festival visits; the daily reminders and lapses. Each checks permission and state,
runs in one transaction, writes the timeline (for a case) and the audit record."""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from gonghui.aid import services as aid
from gonghui.aid.models import Purpose
from gonghui.cases import notify
from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.cases.states import PERM_HANDLE
from gonghui.core import audit, idnumber, pii, uploads
from gonghui.core.errors import Conflict
from gonghui.core.numbers import money, parse_amount, parse_day
from gonghui.notices import services as notices
from gonghui.orgs.scoping import in_scope
from gonghui.registry.models import Hukou, Tag

from . import rules
from .handler import VISITED
from .models import (
    AID_ITEM,
    AUTUMN_ITEM,
    FILE_ITEM,
    AidKind,
    Award,
    Campaign,
    Category,
    FestivalVisit,
    FileStatus,
    HardshipFile,
    HardshipRules,
    HomeVisit,
    HouseholdMember,
    Programme,
    Relation,
    VisitCampaign,
)

MAX_MEMBERS = 15
NEEDY_TAG = "needy"  # the registry's tag 困难职工, kept in step with the file
KIND_BY_LABEL = {label: value for value, label in AidKind.choices}
PURPOSE_OF_KIND = {AidKind.LIVING: Purpose.LIVING, AidKind.MEDICAL: Purpose.MEDICAL,
                   AidKind.STUDY_HIGHER: Purpose.STUDY, AidKind.STUDY_HIGH: Purpose.STUDY,
                   AidKind.ACCIDENT: Purpose.ACCIDENT}
CAUSE_BY_LABEL = {"本人或家人患重病": "illness", "残疾": "disability", "子女就学": "schooling", "意外事故": "accident",
                  "自然灾害": "disaster", "失业或企业困难": "unemployment", "其他": "other"}
EXCLUDED = ("军事院校", "免费师范生", "定向委培生")


def _decimal(value, label: str, *, required: bool = True) -> Decimal:
    return parse_amount(value, label, required=required)


def _staff(actor, org, perm: str = PERM_HANDLE, what: str = "办理") -> None:
    if not (actor.has_perm(perm) and in_scope(actor, org.path, perm)):
        raise PermissionDenied(f"您没有{what}该困难职工档案的权限。")


# --- the hardship file ------------------------------------------------------------------------------------

def file_of(case: Case) -> HardshipFile:
    found = HardshipFile.objects.filter(case=case).first()
    if found is None:
        found, _ = HardshipFile.objects.get_or_create(
            case=case, defaults={"worker_id": case.applicant_id, "org_id": case.org_id,
                                 "year": timezone.localdate().year})
    return found


def may_edit_household(actor, file: HardshipFile) -> bool:
    case = file.case
    if file.status == FileStatus.ON_FILE:  # the yearly review: the town's staff bring the household up to date
        return cases.staff_may(actor, case, PERM_HANDLE)
    if case.is_closed:
        return False
    if cases.is_editable(case) and cases.may_act_as_applicant(actor, case):
        return True
    return case.state != State.DRAFT and cases.staff_may(actor, case, PERM_HANDLE)


def member_add(*, actor, case: Case, name: str, relation: str, id_number: str, health: str = "healthy",
               schooling: str = "none", employment: str = "employed", income="0") -> HouseholdMember:
    file = file_of(case)
    if not may_edit_household(actor, file):
        raise PermissionDenied("该档案当前不能修改家庭成员。")
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 50:
        errors["name"] = "请填写家庭成员的姓名。"
    if relation not in Relation.values:
        errors["relation"] = "请选择与申请人的关系。"
    try:
        person = idnumber.parse(id_number)
    except idnumber.IdNumberError as exc:
        errors["id_number"] = exc.message
        person = None
    try:
        yearly = _decimal(income, "年收入", required=False)
    except ValidationError as exc:
        errors["income"] = exc.messages[0]
        yearly = Decimal("0")
    from .models import Employment, Health, Schooling

    if health not in Health.values or schooling not in Schooling.values or employment not in Employment.values:
        errors["health"] = "请选择健康、就学和就业情况。"
    members = list(file.members.all())
    if person is not None:
        if any(m.id_number_clear() == person.value for m in members):
            errors["id_number"] = "该成员已在家庭成员中。"
        if relation == Relation.SELF and person.value != file.worker.id_number_clear():
            errors["id_number"] = "“本人”的身份证号应与申请人一致。"
    if relation == Relation.SELF and any(m.relation == Relation.SELF for m in members):
        errors["relation"] = "已填写申请人本人。"
    if len(members) >= MAX_MEMBERS:
        errors["name"] = f"家庭成员最多{MAX_MEMBERS}人。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member = HouseholdMember.objects.create(
            file=file, name=name, relation=relation, id_enc=pii.encrypt(person.value, field="id_number"),
            birth_date=person.birth_date, health=health, schooling=schooling, employment=employment, income=yearly)
        _reclassify(file)
        cases.add_event(case, actor, "edit", f"增加家庭成员：{notices.mask_name(name)}（{Relation(relation).label}）",
                        public=False)
        audit.record(actor=actor, action="assistance.member_add", obj=case,
                     summary=f"{case.number} 增加家庭成员{Relation(relation).label}，年收入{money(yearly)}元")
    return member


def member_remove(*, actor, member: HouseholdMember) -> None:
    file = member.file
    if not may_edit_household(actor, file):
        raise PermissionDenied("该档案当前不能修改家庭成员。")
    with transaction.atomic():
        member.delete()
        _reclassify(file)
        cases.add_event(file.case, actor, "edit", f"删除家庭成员：{notices.mask_name(member.name)}", public=False)
        audit.record(actor=actor, action="assistance.member_remove", obj=file.case,
                     summary=f"{file.case.number} 删除家庭成员{member.get_relation_display()}")


def _sync_form(file: HardshipFile) -> None:
    """The costs, the cause and the migrant's employment date as the applicant gave them on the form."""
    form = file.case.form or {}
    file.medical_costs = _decimal(form.get("medical_costs"), "医疗支出", required=False)
    file.education_costs = _decimal(form.get("education_costs"), "教育支出", required=False)
    file.cause = CAUSE_BY_LABEL.get(form.get("cause", ""), "other")
    file.migrant = file.worker.hukou == Hukou.MIGRANT
    since = form.get("employed_since")
    file.employed_since = dt.date.fromisoformat(since) if since else None


def _reclassify(file: HardshipFile, on: dt.date | None = None) -> rules.Classification:
    on = on or timezone.localdate()
    if file.status == FileStatus.APPLYING:  # the costs and cause as the form says them now
        _sync_form(file)
        file.save(update_fields=["medical_costs", "education_costs", "cause", "migrant", "employed_since"])
    members = list(file.members.all())
    income = sum((m.income for m in members), Decimal("0"))
    year_rules = rules.rules_for(file.year)
    standard = rules.standard_for(file.org, file.year)
    if not members:
        HardshipFile.objects.filter(pk=file.pk).update(per_capita=None, category=Category.NONE, working=[],
                                                       standard=standard)
        return rules.Classification(Category.NONE, Decimal("0"), [])
    found = rules.classify(income=income, medical=file.medical_costs, education=file.education_costs,
                           size=len(members), standard=standard, rules=year_rules, cause=file.cause,
                           migrant=file.migrant, employed_since=file.employed_since, on=on)
    file.per_capita, file.category, file.working, file.standard = found.per_capita, found.category, found.working, \
        standard
    HardshipFile.objects.filter(pk=file.pk).update(per_capita=found.per_capita, category=found.category,
                                                   working=found.working, standard=standard)
    return found


def file_eligibility(case: Case) -> None:
    file = file_of(case)
    _sync_form(file)
    if file.migrant and file.employed_since is None:
        raise ValidationError({"employed_since": "外来务工职工请填写在本市就业的起始日期。"})
    if not file.members.filter(relation=Relation.SELF).exists():
        raise ValidationError("请在家庭成员中填写申请人本人（含年收入）。")
    _reclassify(file)


def visit_record(*, actor, case: Case, visited_on, visitors: str, findings: str) -> HomeVisit:
    """The town's home visit: two visitors, the date, what they found, the photos (materials) — then the
    file is classified on what was verified."""
    if not cases.staff_may(actor, case, PERM_HANDLE):
        raise PermissionDenied("您没有办理该档案的权限。")
    if case.state != State.ACCEPTED:
        raise Conflict("受理后才能记录入户核查。")
    day = parse_day(visited_on, "入户日期", "visited_on")
    names = [n for n in re.split(r"[、,，;；\s]+", visitors or "") if n]
    if len(names) < 2:
        raise ValidationError({"visitors": "入户核查须两名工作人员，请填写两人姓名（用顿号分隔）。"})
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": "请填写核查情况。"})
    if not case.attachments.filter(material="visit_photos").exists():
        raise ValidationError("请先上传入户核查照片（材料“入户核查照片”）。")
    file = file_of(case)
    with transaction.atomic():
        visit = HomeVisit.objects.create(file=file, visited_on=day, visitors="、".join(names)[:60],
                                         findings=findings[:2000], recorded_by=actor)
        found = _reclassify(file)
        cases.transition(actor=actor, case=case, name="visit", module_form=True)
        cases.add_event(case, actor, "note", f"入户核查（{day:%Y-%m-%d}，{visit.visitors}）",
                        text=f"{findings[:300]}\n认定结果：{Category(found.category).label}", public=False)
    return visit


def _notice_entry(case: Case) -> notices.Entry:
    worker = case.applicant
    unit = worker.enterprise.name if worker.enterprise_id else worker.org.name
    if case.item.code == FILE_ITEM:
        file = file_of(case)
        summary = (f"家庭{file.members.count()}人，人均月收入{money(file.per_capita or 0)}元，"
                   f"拟认定为{file.get_category_display()}")
    else:
        tier = case.form.get("tier", "")
        summary = f"子女录取{case.form.get('school', '')}（{tier}），拟资助{money(autumn_amount(case)[0])}元"
    return notices.Entry(source=case.item.code, object_id=case.pk, name=worker.name,
                         id_number=worker.id_number_clear(), unit=unit, summary=summary, case_id=case.pk)


READY_TO_PUBLICISE = {FILE_ITEM: VISITED, AUTUMN_ITEM: State.IN_REVIEW}


def publicise(*, actor, case_list: list[Case], title: str, body: str = "", window_days: int | None = None,
              on: dt.date | None = None):
    """Put cases (of one item and one handling organisation) on a public notice and publish it: the
    objection window runs from the day after ``on`` (the day the notice went up at the enterprise and the
    centre: today, or up to 30 days back when the paper notice went up first) for the year's notice period
    in working days."""
    today = timezone.localdate()
    on = on or today
    if not today - dt.timedelta(days=30) <= on <= today:
        raise ValidationError({"on": "公示张贴日期应为今天或30天以内的日期。"})
    if not case_list:
        raise ValidationError("请选择要公示的对象。")
    item_codes = {c.item.code for c in case_list}
    if len(item_codes) != 1 or next(iter(item_codes)) not in READY_TO_PUBLICISE:
        raise ValidationError("一次公示只能包含同一类申请。")
    code = next(iter(item_codes))
    orgs = {c.org_id for c in case_list}
    if len(orgs) != 1:
        raise ValidationError("一次公示只能包含同一服务中心办理的申请。")
    for case in case_list:
        if not cases.staff_may(actor, case, PERM_HANDLE):
            raise PermissionDenied(f"您没有办理{case.number}的权限。")
        if case.state != READY_TO_PUBLICISE[code]:
            raise Conflict(f"{case.number}当前不能公示（{case.state_label}）。")
    days = window_days or rules.rules_for(timezone.localdate().year).notice_days
    with transaction.atomic():
        notice = notices.notice_create(actor=actor, org=case_list[0].org, source=code, title=title or "",
                                       body=body, entries=[_notice_entry(c) for c in case_list], window_days=days)
        notices.publish(actor=actor, notice=notice, on=on)
        for case in case_list:
            cases.transition(actor=actor, case=case, name="publicise", module_form=True)
    return notice


def _cleared(case: Case) -> None:
    ok, why = notices.cleared(source=case.item.code, object_id=case.pk)
    if not ok:
        raise ValidationError(f"公示未通过，暂不能审批：{why}。")


def _file_approved(case: Case) -> None:
    _cleared(case)
    file = file_of(case)
    if file.category == Category.NONE:
        raise ValidationError("按认定结果不符合困难职工条件，请选择“不予建档”并说明理由。")
    today = timezone.localdate()
    year_rules = rules.rules_for(file.year)
    HardshipFile.objects.filter(pk=file.pk).update(status=FileStatus.ON_FILE, approved_on=today,
                                                   review_due=_add_months(today, year_rules.review_months))
    _tag(file, on=True)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def _tag(file: HardshipFile, *, on: bool) -> None:
    tag = Tag.objects.filter(code=NEEDY_TAG).first()
    if tag is None:
        return
    if on:
        file.worker.tags.add(tag)
    elif not HardshipFile.objects.filter(worker_id=file.worker_id, status=FileStatus.ON_FILE).exclude(
            pk=file.pk).exists():
        file.worker.tags.remove(tag)


def review_record(*, actor, file: HardshipFile, visited_on, visitors: str, findings: str) -> HardshipFile:
    """The yearly review: the household as it is now (members and incomes brought up to date first), a
    visit by two, and the classification again — still in hardship: on file for another period; out of it:
    the household leaves the file."""
    _staff(actor, file.org)
    if file.status != FileStatus.ON_FILE:
        raise Conflict("只有在档的困难职工档案才能复核。")
    day = parse_day(visited_on, "复核入户日期", "visited_on")
    names = [n for n in re.split(r"[、,，;；\s]+", visitors or "") if n]
    if len(names) < 2:
        raise ValidationError({"visitors": "复核入户须两名工作人员，请填写两人姓名（用顿号分隔）。"})
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": "请填写复核情况。"})
    with transaction.atomic():
        if not HardshipFile.objects.filter(pk=file.pk, status=FileStatus.ON_FILE).update(year=day.year):
            raise Conflict("该档案刚被其他人处理。")
        file.year = day.year
        HomeVisit.objects.create(file=file, visited_on=day, visitors="、".join(names)[:60], findings=findings[:2000],
                                 kind="review", recorded_by=actor)
        found = _reclassify(file)
        if found.category == Category.NONE:
            _exit(actor, file, FileStatus.EXITED, "年度复核：已不符合困难职工认定条件，家庭脱困出档")
        else:
            due = _add_months(day, rules.rules_for(day.year).review_months)
            HardshipFile.objects.filter(pk=file.pk).update(review_due=due, reminded_on=None)
            file.review_due = due
            cases.add_event(file.case, actor, "note", f"年度复核：继续在档（{Category(found.category).label}）",
                            text=f"下次复核{due:%Y-%m-%d}", public=True)
            audit.record(actor=actor, action="assistance.review", obj=file.case,
                         summary=f"{file.case.number} 年度复核，{Category(found.category).label}，下次复核{due}")
    file.refresh_from_db()
    return file


def _exit(actor, file: HardshipFile, status: str, reason: str) -> None:
    today = timezone.localdate()
    HardshipFile.objects.filter(pk=file.pk).update(status=status, closed_on=today, close_reason=reason[:200])
    _tag(file, on=False)
    cases.add_event(file.case, actor, "note", f"困难职工档案{FileStatus(status).label}", text=reason, public=True)
    audit.record(actor=actor, action=f"assistance.{status}", obj=file.case,
                 summary=f"{file.case.number} {reason}"[:300])


def file_close(*, actor, file: HardshipFile, reason: str) -> None:
    """The household has left hardship (or moved away): the file is closed with the reason."""
    _staff(actor, file.org)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写出档原因。"})
    with transaction.atomic():
        if not HardshipFile.objects.filter(pk=file.pk, status=FileStatus.ON_FILE).exists():
            raise Conflict("该档案不在档，无需出档。")
        _exit(actor, file, FileStatus.EXITED, reason)


def daily(on: dt.date | None = None) -> dict[str, int]:
    """A month before a file's review is due, the worker and the town's staff are told; a file whose review
    date has passed lapses."""
    on = on or timezone.localdate()
    reminded = lapsed = 0
    ahead = HardshipRules.objects.aggregate(m=Max("remind_days"))["m"] or 30
    year_rules: dict[int, HardshipRules] = {}
    for file in (HardshipFile.objects.filter(status=FileStatus.ON_FILE, reminded_on__isnull=True, review_due__gte=on,
                                             review_due__lte=on + dt.timedelta(days=ahead))
                 .select_related("case__item", "case__applicant")):
        if file.year not in year_rules:
            year_rules[file.year] = rules.rules_for(file.year)
        if file.review_due - dt.timedelta(days=year_rules[file.year].remind_days) > on:
            continue
        with transaction.atomic():
            if HardshipFile.objects.filter(pk=file.pk, reminded_on__isnull=True).update(reminded_on=on):
                note = f"{file.review_due:%Y-%m-%d}"
                notify.notify_applicant(file.case, "review_due", note=note)
                notify.notify_centre(file.case, "staff_review_due", note=note)
                reminded += 1
    for file in HardshipFile.objects.filter(status=FileStatus.ON_FILE, review_due__lt=on).select_related("case"):
        with transaction.atomic():
            _exit(None, file, FileStatus.LAPSED, f"档案应于{file.review_due:%Y-%m-%d}前复核，逾期未复核，档案失效")
            notify.notify_applicant(file.case, "lapsed")
            lapsed += 1
    return {"review_reminders": reminded, "lapsed": lapsed}


# --- aid applications -------------------------------------------------------------------------------------

def _kind(form: dict) -> str:
    kind = KIND_BY_LABEL.get(form.get("kind", ""))
    if kind is None:
        raise ValidationError({"kind": "请选择救助类别。"})
    return kind


def aid_check_form(worker, form: dict) -> None:
    kind = KIND_BY_LABEL.get(form.get("kind", ""))
    if kind in (AidKind.STUDY_HIGHER, AidKind.STUDY_HIGH) and not form.get("student_id"):
        raise ValidationError({"student_id": "助学救助请填写学生的身份证号。"})
    if kind in (AidKind.LIVING, AidKind.ACCIDENT, AidKind.STUDY_HIGHER, AidKind.STUDY_HIGH):
        amount = form.get("amount")
        if amount in (None, "", "None") or Decimal(str(amount)) <= 0:
            raise ValidationError({"amount": "请填写申请金额。"})


def record_of(worker) -> HardshipFile | None:
    return (HardshipFile.objects.filter(worker=worker, status=FileStatus.ON_FILE).order_by("-approved_on", "-pk")
            .first())


def _student(file: HardshipFile, id_number: str) -> HouseholdMember | None:
    return next((m for m in file.members.all() if m.id_number_clear() == id_number.strip().upper()), None)


def _beneficiary(case: Case, file: HardshipFile, kind: str) -> tuple[str, str]:
    """Who is aided (name, ID number): the student for study aid, the worker otherwise."""
    if kind in (AidKind.STUDY_HIGHER, AidKind.STUDY_HIGH):
        student = _student(file, case.secrets().get("student_id", ""))
        if student is None:
            raise ValidationError({"student_id": "学生须为困难职工档案中的家庭成员。"})
        return student.name, student.id_number_clear()
    return case.applicant.name, case.applicant.id_number_clear()


def aid_eligibility(case: Case) -> None:
    file = record_of(case.applicant)
    if file is None:
        raise ValidationError("您尚未纳入困难职工档案（或档案已失效），不能申请困难救助。")
    kind = _kind(case.form)
    _name, id_number = _beneficiary(case, file, kind)
    if kind == AidKind.MEDICAL:
        aid.case_invoices_check(case)
    found = aid.clashes(id_number=id_number, purpose=PURPOSE_OF_KIND[kind], period=timezone.localdate().year,
                        household=file.household, one_kind_only=file.category == Category.RELATIVE,
                        exclude=(AID_ITEM, case.pk))
    if found:
        raise ValidationError(_told(found, file.household))


def _told(found, household: str | None) -> list[str]:
    """What the applicant is told of a clash: in full (programme, case, amount) when it is their own
    household's aid; otherwise only that the person has had such aid — an ID number typed on a form must not
    reveal a stranger's aid. The clerk is told every detail when approving (the ledger's own refusal)."""
    return [f"不能重复救助：{c}" if household and c.grant.household == household else
            f"不能重复救助：该学生（或受助人）{c.grant.period}年已获{c.grant.get_purpose_display()}类救助，"
            "同一年度同一用途不重复救助。详情请咨询镇街职工服务中心。" for c in found]


def _already(file: HardshipFile, kind: str, year: int, exclude_case: int) -> Decimal:
    return (Award.objects.filter(file=file, kind=kind, year=year, programme=Programme.HARDSHIP_AID,
                                 case__state__in=[State.APPROVED, State.FULFILLED])
            .exclude(case_id=exclude_case).aggregate(s=Sum("amount"))["s"] or Decimal("0"))


def aid_quote(case: Case) -> tuple[Decimal, list[str]]:
    """What the application would be granted now, with the working (shown to the clerk before deciding)."""
    file = record_of(case.applicant)
    if file is None:
        raise ValidationError("申请人不在困难职工档案中。")
    kind = _kind(case.form)
    year = timezone.localdate().year
    self_paid = aid.self_paid(case)
    requested = _decimal(case.form.get("amount"), "申请金额", required=False)
    return rules.aid_amount(kind=kind, category=file.category, standard=file.standard or rules.standard_for(
        file.org, year), requested=requested, self_paid=self_paid,
        cap=rules.cap_for(year=year, kind=kind, category=file.category), already=_already(file, kind, year, case.pk))


def _aid_approved(actor, case: Case) -> None:
    file = record_of(case.applicant)
    if file is None:
        raise ValidationError("申请人已不在困难职工档案中，不能核准。")
    kind = _kind(case.form)
    amount, working = aid_quote(case)
    if amount <= 0:
        raise ValidationError("按救助标准计算的金额为0（本年度额度已用完），请选择“不予核准”并说明原因。")
    year = timezone.localdate().year
    name, id_number = _beneficiary(case, file, kind)
    award = Award.objects.create(case=case, programme=Programme.HARDSHIP_AID, kind=kind, kind_label=AidKind(kind).label,
                                 file=file, year=year, amount=amount, working=working)
    aid.grant(actor=actor, source=AID_ITEM, programme=f"困难职工{AidKind(kind).label}", object_id=case.pk, case=case,
              reference=case.number, id_number=id_number, name=name, purpose=PURPOSE_OF_KIND[kind], period=year,
              amount=amount, org=case.org, household=file.household, one_kind_only=file.category == Category.RELATIVE)
    Case.objects.filter(pk=case.pk).update(result={**(case.result or {}), "amount": str(amount)})
    return award


# --- Golden Autumn ----------------------------------------------------------------------------------------

def _campaign_for(case: Case) -> Campaign:
    year = (case.submitted_at or timezone.now()).year
    campaign = Campaign.objects.filter(year=year).prefetch_related("tiers").first()
    if campaign is None:
        raise ValidationError(f"{year}年的金秋助学活动尚未设立。")
    return campaign


def autumn_check_form(worker, form: dict) -> None:
    if form.get("excluded") in EXCLUDED:
        raise ValidationError({"excluded": f"{form['excluded']}不在金秋助学资助范围（国家已有保障）。"})
    if form.get("other_funding") == "是":
        raise ValidationError({"other_funding": "已获其他单位资助的学生不再重复资助。"})


def autumn_amount(case: Case) -> tuple[Decimal, str]:
    """The tier's amount for a child of a household on file or not (the campaign's data)."""
    campaign = _campaign_for(case)
    tier = next((t for t in campaign.tiers.all() if t.label == case.form.get("tier")), None)
    if tier is None:
        raise ValidationError({"tier": "请选择本年度活动的录取层次。"})
    on_file = record_of(case.applicant) is not None
    amount = tier.amount if on_file or tier.amount_off_file is None else tier.amount_off_file
    return amount, tier.code


def autumn_eligibility(case: Case) -> None:
    campaign = _campaign_for(case)
    if not campaign.is_open():
        raise ValidationError(f"{campaign.name}的申请时间为{campaign.opens_on:%Y-%m-%d}"
                              f"至{campaign.closes_on:%Y-%m-%d}。")
    autumn_check_form(case.applicant, case.form)
    autumn_amount(case)
    student_id = case.secrets().get("student_id", "")
    file = record_of(case.applicant)
    if file is not None:
        student = _student(file, student_id)
        if student is None or student.relation != Relation.CHILD:
            raise ValidationError({"student_id": "学生须为困难职工档案中登记的子女。"})
    else:
        if not campaign.off_file:
            raise ValidationError("本年度金秋助学面向已纳入困难职工档案的职工子女，请先申请困难职工建档。")
        year_rules = rules.rules_for(campaign.year)
        line = rules.standard_for(case.applicant.org, campaign.year) * year_rules.relative_multiplier
        income = case.form.get("household_income")
        if income in (None, "", "None"):
            raise ValidationError({"household_income": "未建档的职工请填写家庭人均月收入。"})
        if Decimal(str(income)) >= line:
            raise ValidationError({"household_income": f"家庭人均月收入须低于{money(line)}元（相对困难标准）。"})
    found = aid.clashes(id_number=student_id, purpose=Purpose.STUDY, period=campaign.year,
                        household=file.household if file else "",
                        one_kind_only=file is not None and file.category == Category.RELATIVE,
                        exclude=(AUTUMN_ITEM, case.pk))
    if found:
        raise ValidationError(_told(found, file.household if file else None))


def _autumn_approved(actor, case: Case) -> Award:
    _cleared(case)
    campaign = _campaign_for(case)
    amount, tier = autumn_amount(case)
    file = record_of(case.applicant)
    award = Award.objects.create(case=case, programme=Programme.GOLDEN_AUTUMN, kind=tier,
                                 kind_label=case.form.get("tier", ""), file=file, year=campaign.year, amount=amount,
                                 working=[f"{campaign.name}：{case.form.get('tier')}，"
                                          f"{'在档' if file else '档案外'}职工子女{money(amount)}元"])
    aid.grant(actor=actor, source=AUTUMN_ITEM, programme="金秋助学", object_id=case.pk, case=case,
              reference=case.number, id_number=case.secrets().get("student_id", ""),
              name=case.form.get("student_name", ""), purpose=Purpose.STUDY, period=campaign.year, amount=amount,
              org=case.org, household=file.household if file else "",
              one_kind_only=file is not None and file.category == Category.RELATIVE)
    Case.objects.filter(pk=case.pk).update(result={**(case.result or {}), "amount": str(amount)})
    return award


# --- the hooks on the engine ------------------------------------------------------------------------------

def on_step(case: Case, step, source: str, actor) -> None:
    """Inside the transaction of every step of the three items."""
    code, name = case.item.code, step.name
    if code == FILE_ITEM:
        if name == "approve":
            _file_approved(case)
        elif name in ("deny", "not_accept", "withdraw"):
            HardshipFile.objects.filter(case=case).update(status=FileStatus.REFUSED)
    elif code == AID_ITEM:
        if name == "submit":
            aid.case_invoices_hold(case)
        elif name in ("withdraw", "not_accept", "deny"):
            aid.invoices_release(source=AID_ITEM, object_id=case.pk)
        elif name == "approve":
            _aid_approved(actor, case)
    elif code == AUTUMN_ITEM and name == "approve":
        _autumn_approved(actor, case)


def payee_correct(*, actor, case: Case, bank_card: str, bank_name: str) -> None:
    award = Award.objects.filter(case=case).first()
    if award is None or not award.payment_problem or case.state != State.APPROVED:
        raise ValidationError("该申请无需更正收款账户。")
    with transaction.atomic():
        cases.payee_replace(actor=actor, case=case, bank_card=bank_card, bank_name=bank_name)
        Award.objects.filter(pk=award.pk).update(payment_problem="")


# --- festival visits (送温暖) -----------------------------------------------------------------------------

def festival_create(*, actor, org, year: int, name: str, amounts: dict) -> VisitCampaign:
    """A campaign before the festival: every household on file in the organisation's subtree is listed."""
    _staff(actor, org, what="组织慰问")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写活动名称。"})
    clean = {}
    for category in (Category.DEEP, Category.RELATIVE, Category.ACCIDENT):
        clean[category.value] = str(_decimal(amounts.get(category.value), f"{category.label}家庭慰问金"))
    files = list(HardshipFile.objects.filter(status=FileStatus.ON_FILE, org__path__startswith=org.path))
    if not files:
        raise ValidationError("该范围内没有在档的困难职工家庭。")
    with transaction.atomic():
        campaign = VisitCampaign.objects.create(org=org, year=year, name=name[:60], amounts=clean, created_by=actor)
        FestivalVisit.objects.bulk_create([FestivalVisit(campaign=campaign, file=f) for f in files])
        audit.record(actor=actor, action="assistance.festival_create", obj=campaign,
                     summary=f"{name}：慰问对象{len(files)}户")
    return campaign


def festival_record(*, actor, visit: FestivalVisit, visited_on, visitors: str, cash, goods: str = "",
                    receipt: tuple[str, bytes] | None = None) -> FestivalVisit:
    """Who visited, when, what was given; the signed receipt scanned back. The cash is a grant in the aid
    ledger (once a year per household)."""
    file = visit.file
    _staff(actor, file.org, what="登记慰问")
    if visit.visited_on is not None:
        raise Conflict("该户已登记慰问。")
    day = parse_day(visited_on, "慰问日期", "visited_on")
    visitors = (visitors or "").strip()
    if not visitors:
        raise ValidationError({"visitors": "请填写慰问人。"})
    amount = _decimal(cash, "慰问金", required=False)
    goods = (goods or "").strip()
    if not amount and not goods:
        raise ValidationError({"cash": "请填写慰问金或慰问品。"})
    stored = kind = ""
    if receipt is not None:
        stored, kind = uploads.keep(receipt[1], receipt[0], "festival")
    try:
        with transaction.atomic():
            if not FestivalVisit.objects.filter(pk=visit.pk, visited_on__isnull=True).update(
                    visited_on=day, visitors=visitors[:60], cash=amount or None, goods=goods[:100], receipt=stored,
                    receipt_type=kind):
                raise Conflict("该户已登记慰问。")
            if amount:
                aid.grant(actor=actor, source="festival_visit", programme=visit.campaign.name, object_id=visit.pk,
                          case=file.case, reference=visit.campaign.name, id_number=file.worker.id_number_clear(),
                          name=file.worker.name, purpose=Purpose.FESTIVAL, period=visit.campaign.year, amount=amount,
                          org=file.org, household=file.household)
            cases.add_event(file.case, actor, "note", f"{visit.campaign.name}：已慰问",
                            text=f"{visitors}，慰问金{money(amount)}元 {goods}".strip(), public=True)
            audit.record(actor=actor, action="assistance.festival_visit", obj=visit.campaign,
                         summary=f"{file.case.number} 慰问金{money(amount)}元 {goods}"[:300])
    except BaseException:
        uploads.discard(stored)
        raise
    visit.refresh_from_db()
    return visit


def receipt_read(*, actor, visit: FestivalVisit) -> tuple[bytes, str]:
    if not (actor.has_perm("cases.view_case") and in_scope(actor, visit.file.org.path, "cases.view_case")):
        raise PermissionDenied("您没有查看该签收单的权限。")
    if not visit.receipt:
        raise ValidationError("该户没有上传签收单。")
    data = uploads.kept(visit.receipt)
    audit.record(actor=actor, action="assistance.receipt_view", obj=visit.campaign,
                 summary=f"查看{visit.file.case.number}的慰问签收单")
    return data, visit.receipt_type

