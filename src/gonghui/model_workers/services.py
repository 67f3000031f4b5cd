"""Every write of the model workers' module: permission (the managing unit in the actor's scope), state,
transaction, audit. The register (two levels: a unit edits the model workers it manages, the city all),
the monthly allowance run and its review, the hospital subsidy's steps, visits, health checks and
recuperation groups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from gonghui.aid import services as aid
from gonghui.aid.models import Purpose
from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.core import audit, idnumber, pii, uploads
from gonghui.core.errors import Conflict
from gonghui.core.numbers import money, parse_amount, parse_day
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.scoping import in_scope, scope_paths
from gonghui.payments.models import LineStatus, PaymentLine
from gonghui.registry import services as registry

from . import rules
from .models import (
    HOSPITAL_ITEM,
    PERM_MANAGE,
    AllowanceLine,
    AllowanceRate,
    AllowanceRun,
    CheckRule,
    HealthCheck,
    Level,
    ModelWorker,
    Recuperant,
    RecuperationGroup,
    RecuperationPlace,
    RunState,
    Subsidy,
    SubsidyRule,
    Title,
    Visit,
)

MANAGING_KINDS = (OrgKind.FEDERATION, OrgKind.TOWN, OrgKind.SECTOR)


def _require(actor, org: Org, what: str) -> None:
    if not in_scope(actor, org.path, PERM_MANAGE):
        raise PermissionDenied(f"您没有{what}的权限（该劳模不由您的单位管理）。")


def is_city(actor) -> bool:
    """The first level: an actor whose scope holds the whole city."""
    root = Org.objects.filter(depth=1).first()
    return root is not None and in_scope(actor, root.path, PERM_MANAGE)


def _city(actor, what: str) -> None:
    if not is_city(actor):
        raise PermissionDenied(f"{what}由市总工会劳模管理人员办理。")


def managing_units(actor):
    """The units the actor may put a model worker under: the city, towns and sector unions in its scope."""
    paths = scope_paths(actor, PERM_MANAGE)
    found = Org.objects.filter(kind__in=MANAGING_KINDS).order_by("path")
    return [o for o in found if any(o.path.startswith(p) for p in paths)]


# --- the register ------------------------------------------------------------------------------------------

def _clean(data: dict, actor) -> dict:
    errors: dict[str, str] = {}
    out: dict = {}
    title = Title.objects.filter(pk=str(data.get("title") or "0")).first() if str(data.get("title") or "").isdigit() \
        else Title.objects.filter(name=str(data.get("title") or "").strip()).first()
    if title is None:
        errors["title"] = "请选择称号。"
    out["title"] = title
    level = str(data.get("level") or "")
    if level not in Level.values:
        level = {label: value for value, label in Level.choices}.get(level, "")
    if not level:
        errors["level"] = "请选择级别。"
    out["level"] = level
    year = str(data.get("year_awarded") or "").strip()
    if not (year.isdigit() and 1950 <= int(year) <= timezone.localdate().year):
        errors["year_awarded"] = "请填写正确的授予年份。"
    else:
        out["year_awarded"] = int(year)
    body = str(data.get("awarding_body") or "").strip()
    if not body:
        errors["awarding_body"] = "请填写授予机关。"
    out["awarding_body"] = body[:60]
    out["employer"] = str(data.get("employer") or "").strip()[:100]
    out["note"] = str(data.get("note") or "").strip()[:200]
    for key, label in (("retired_on", "退休日期"), ("died_on", "去世日期")):
        try:
            out[key] = parse_day(data.get(key), label, key, required=False)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if out.get("retired_on") and out.get("died_on") and out["died_on"] < out["retired_on"]:
        errors["died_on"] = "去世日期不能早于退休日期。"
    unit = data.get("org")
    org = unit if isinstance(unit, Org) else (Org.objects.filter(pk=str(unit)).first() if str(unit or "").isdigit()
                                               else None)
    if org is None or org.kind not in MANAGING_KINDS:
        errors["org"] = "请选择管理单位（镇街工会或产业、系统工会）。"
    elif not in_scope(actor, org.path, PERM_MANAGE):
        errors["org"] = "只能选择您管辖范围内的管理单位。"
    out["org"] = org
    if errors:
        raise ValidationError(errors)
    return out


def register(*, actor, id_number: str, name: str = "", phone: str = "", **data) -> ModelWorker:
    """Put a person on the register: from the registry by ID number, or added to it (a retired model worker,
    someone outside any enterprise) with the name given."""
    errors: dict = {}
    try:
        idnumber.parse(id_number)
    except idnumber.IdNumberError as exc:
        errors["id_number"] = [exc.message]
    try:
        fields = _clean(data, actor)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:  # every mistake of the form at once
        raise ValidationError(errors)
    _require(actor, fields["org"], "登记劳模")
    with transaction.atomic():
        worker, _added = registry.person_find_or_add(actor=actor, id_number=id_number, name=name, phone=phone,
                                                     org=fields["org"], perm=PERM_MANAGE, why="劳模登记")
        if ModelWorker.objects.filter(worker=worker).exists():
            raise ValidationError({"id_number": f"{worker.name}已在劳模名册中。"})
        try:
            with transaction.atomic():
                mw = ModelWorker.objects.create(worker=worker, **fields)
        except IntegrityError:
            raise ValidationError({"id_number": f"{worker.name}已在劳模名册中。"}) from None
        audit.record(actor=actor, action="model_workers.register", obj=mw,
                     summary=f"登记劳模：{worker.name}，{mw.get_level_display()}{mw.title}（{mw.year_awarded}年）")
    return mw


def update(*, actor, mw: ModelWorker, **data) -> ModelWorker:
    """Change a model worker's record (both levels, for those they manage; moving to another unit needs that
    unit in the actor's scope too). Retirement and death take effect in the next allowance run."""
    _require(actor, mw.org, "修改劳模信息")
    fields = _clean({"title": mw.title_id, "level": mw.level, "year_awarded": mw.year_awarded,
                     "awarding_body": mw.awarding_body, "employer": mw.employer, "note": mw.note,
                     "retired_on": mw.retired_on, "died_on": mw.died_on, "org": mw.org, **data}, actor)
    changes = {}
    for key, value in fields.items():
        before = getattr(mw, key)
        if before != value:
            changes[key] = [str(before or ""), str(value or "")]
            setattr(mw, key, value)
    if not changes:
        return mw
    mw.updated_at = timezone.now()
    with transaction.atomic():
        mw.save()
        audit.record(actor=actor, action="model_workers.update", obj=mw, summary=f"修改劳模信息：{mw.name}",
                     changes=changes)
        if set(changes) & {"retired_on", "died_on", "level", "org"}:
            drafts_refresh()
    return mw


def drafts_refresh() -> None:
    """The allowance months drafted and not yet reviewed follow a change of the register at once; a reviewed
    month changes only when the city runs it again (its unpaid lines then follow, its paid ones are
    reported)."""
    for run in AllowanceRun.objects.filter(state=RunState.DRAFT):
        allowance_run(actor=None, month=run.month)


def bank_set(*, actor, mw: ModelWorker, bank_card: str, bank_name: str) -> None:
    """The card the allowance is paid to (the registry's record of the person); lines that failed to pay
    become payable again."""
    _require(actor, mw.org, "修改收款账户")
    card = "".join((bank_card or "").split())
    if not (card.isdigit() and 12 <= len(card) <= 19):
        raise ValidationError({"bank_card": "银行卡号应为12至19位数字。"})
    if not (bank_name or "").strip():
        raise ValidationError({"bank_name": "请填写开户行。"})
    worker = mw.worker
    with transaction.atomic():
        worker.bank_enc = pii.encrypt(card, field="bank_card")
        worker.bank_bidx = pii.blind_index(card, purpose="bank_card")
        worker.bank_last4 = card[-4:]
        worker.bank_name = bank_name.strip()[:100]
        worker.save(update_fields=["bank_enc", "bank_bidx", "bank_last4", "bank_name", "updated_at"])
        again = AllowanceLine.objects.filter(model_worker=mw, paid_at__isnull=True).exclude(payment_problem="").update(
            payment_problem="")
        audit.record(actor=actor, action="model_workers.bank_set", obj=mw,
                     summary=f"更新{mw.name}的收款账户（尾号{card[-4:]}），{again}笔失败津贴重新待付")


def certificate_set(*, actor, mw: ModelWorker, name: str, data: bytes) -> None:
    _require(actor, mw.org, "上传证书")
    if not data:
        raise ValidationError({"certificate": "请选择证书扫描件。"})
    stored, _kind = uploads.keep(data, name, "model_workers")
    old = mw.certificate
    try:
        with transaction.atomic():
            ModelWorker.objects.filter(pk=mw.pk).update(certificate=stored, certificate_name=(name or "证书")[:100],
                                                        updated_at=timezone.now())
            audit.record(actor=actor, action="model_workers.certificate", obj=mw, summary=f"上传{mw.name}的证书扫描件")
    except BaseException:
        uploads.discard(stored)
        raise
    uploads.discard(old)
    mw.refresh_from_db()


def certificate_read(*, actor, mw: ModelWorker) -> tuple[bytes, str]:
    _require(actor, mw.org, "查看证书")
    if not mw.certificate:
        raise ValidationError("没有上传证书扫描件。")
    data = uploads.kept(mw.certificate)
    audit.record(actor=actor, action="model_workers.certificate_view", obj=mw, summary=f"查看{mw.name}的证书扫描件")
    return data, uploads.inspect(data, mw.certificate_name).content_type


# --- honour allowances -------------------------------------------------------------------------------------

def _rates() -> list[rules.Rate]:
    return [rules.Rate(r.level, r.retired, r.monthly, r.effective_from) for r in AllowanceRate.objects.all()]


def month_of(value) -> dt.date:
    """The first day of a month typed as 2026-03 (or any date in it)."""
    text = str(value or "").strip()
    try:
        if isinstance(value, dt.date):
            return value.replace(day=1)
        year, month = text[:7].split("-")
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValidationError({"month": "请填写月份（如2026-03）。"}) from None


def _locked(month: dt.date) -> set[int]:
    """The lines of a month already paid or in a pending payment: never rewritten by a re-run."""
    line_ids = PaymentLine.objects.filter(source="mw_allowance", status__in=[LineStatus.PENDING, LineStatus.PAID]) \
        .values_list("object_id", flat=True)
    return set(AllowanceLine.objects.filter(month=month, pk__in=line_ids).values_list("pk", flat=True)) | set(
        AllowanceLine.objects.filter(month=month, paid_at__isnull=False).values_list("pk", flat=True))


def allowance_run(*, actor, month, on: dt.date | None = None) -> dict:
    """Write the month's allowance lines for everyone entitled (the first level's task; the daily job drafts it
    on the first of the month). Run again, it brings the unpaid lines in line with the register and the rates
    — someone retired, died or re-rated since — and changes nothing when nothing changed; a line already paid
    or being paid is never rewritten (its difference is reported for a manual adjustment)."""
    if actor is not None:
        _city(actor, "荣誉津贴发放表")
    month = month_of(month)
    on = on or timezone.localdate()
    if month > on.replace(day=1):
        raise ValidationError({"month": "不能生成以后月份的发放表。"})
    rates = _rates()
    last_day = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    people = (ModelWorker.objects.filter(retired_on__isnull=False, retired_on__lte=last_day)
              .exclude(died_on__lt=month).select_related("worker"))
    counts = {"created": 0, "updated": 0, "removed": 0, "unchanged": 0, "locked": 0}
    differences: list[str] = []
    with transaction.atomic():
        run, created = AllowanceRun.objects.get_or_create(month=month, defaults={"created_by": actor})
        run = AllowanceRun.objects.select_for_update().get(pk=run.pk)
        existing = {line.model_worker_id: line for line in run.lines.all()}
        locked = _locked(month)
        due: dict[int, tuple] = {}
        for mw in people:
            found = rules.allowance(rules.Person(mw.level, mw.retired_on, mw.died_on), month, rates)
            if found is not None:
                due[mw.pk] = (mw, found)
        new = []
        for mw_id, (mw, found) in due.items():
            line = existing.get(mw_id)
            if line is None:
                new.append(AllowanceLine(run=run, model_worker=mw, month=month, org_id=mw.org_id,
                                         monthly=found.monthly, days=found.days, amount=found.amount,
                                         working=found.working[:200]))
                continue
            same = (line.amount, line.days, line.monthly, line.org_id) == (found.amount, found.days, found.monthly,
                                                                           mw.org_id)
            if same:
                counts["unchanged"] += 1
            elif line.pk in locked:
                counts["locked"] += 1
                differences.append(f"{mw.name}：已发{money(line.amount)}元，应发{money(found.amount)}元")
            else:
                AllowanceLine.objects.filter(pk=line.pk).update(
                    monthly=found.monthly, days=found.days, amount=found.amount, working=found.working[:200],
                    org_id=mw.org_id, payment_problem="")
                counts["updated"] += 1
        AllowanceLine.objects.bulk_create(new, batch_size=1000)
        counts["created"] = len(new)
        gone = [line for mw_id, line in existing.items() if mw_id not in due]
        for line in gone:
            if line.pk in locked:
                counts["locked"] += 1
                differences.append(f"{line.model_worker.name}：已发{money(line.amount)}元，本月已不应发放")
            else:
                line.delete()
                counts["removed"] += 1
        totals = run.lines.aggregate(n=Count("pk"), s=Sum("amount"))
        AllowanceRun.objects.filter(pk=run.pk).update(count=totals["n"], total=totals["s"] or Decimal("0"),
                                                      run_at=timezone.now())
        if created or any(counts[k] for k in ("created", "updated", "removed")):
            audit.record(actor=actor, action="model_workers.allowance_run", obj=run,
                         summary=f"{month:%Y年%m月}荣誉津贴：新增{counts['created']}，更新{counts['updated']}，"
                                 f"删除{counts['removed']}，未变{counts['unchanged']}")
    counts["differences"] = differences
    counts["run"] = run.pk
    return counts


def allowance_release(*, actor, run: AllowanceRun) -> AllowanceRun:
    """The run reviewed (复核): its lines become payable in the batches."""
    _city(actor, "复核荣誉津贴发放表")
    with transaction.atomic():
        if not AllowanceRun.objects.filter(pk=run.pk, state=RunState.DRAFT).update(
                state=RunState.RELEASED, released_by=actor, released_at=timezone.now()):
            raise Conflict("该发放表已复核。")
        audit.record(actor=actor, action="model_workers.allowance_release", obj=run,
                     summary=f"复核{run}荣誉津贴发放表：{run.count}人，{money(run.total)}元")
    run.refresh_from_db()
    return run


def daily(on: dt.date | None = None) -> dict[str, int]:
    """On the first of a month the month's allowance run is drafted (left for the city to review)."""
    on = on or timezone.localdate()
    if on.day != 1 or AllowanceRun.objects.filter(month=on).exists():
        return {"allowance_runs": 0}
    allowance_run(actor=None, month=on, on=on)
    return {"allowance_runs": 1}


# --- hospital-cost subsidy ---------------------------------------------------------------------------------

def record_of(worker) -> ModelWorker | None:
    if worker is None:
        return None
    return ModelWorker.objects.filter(worker=worker).select_related("title", "org").first()


def rule_for(level: str, year: int) -> SubsidyRule | None:
    return SubsidyRule.objects.filter(level=level, year__lte=year).order_by("-year").first()


def hospital_unavailable(worker) -> str:
    mw = record_of(worker)
    if mw is None:
        return "劳模医疗补助面向登记在册的劳模。如您是劳模但未登记，请联系所在镇街工会或市总工会劳模办。"
    today = timezone.localdate()
    rule = rule_for(mw.level, today.year)
    if rule is None:
        return f"{mw.get_level_display()}劳模暂无医疗补助标准。"
    if rule.retired_only and mw.status_on(today) != "retired":
        return "劳模医疗补助面向退休劳模。"
    return ""


def claim_year(case: Case) -> int:
    """The year whose cap a claim counts against: that of its latest invoice (costs of December claimed in
    January count in December's year)."""
    latest = case.medical_invoices.order_by("-issued_on").values_list("issued_on", flat=True).first()
    return latest.year if latest else timezone.localdate().year


def _already(mw: ModelWorker, year: int, exclude_case: int) -> Decimal:
    return (Subsidy.objects.filter(model_worker=mw, year=year, case__state__in=[State.APPROVED, State.FULFILLED])
            .exclude(case_id=exclude_case).aggregate(s=Sum("amount"))["s"] or Decimal("0"))


def hospital_quote(case: Case) -> tuple[Decimal, list[str]]:
    """What the claim would be granted now, with the working (shown to the clerk before deciding)."""
    mw = record_of(case.applicant)
    if mw is None:
        raise ValidationError("申请人不在劳模名册中。")
    year = claim_year(case)
    rule = rule_for(mw.level, year)
    if rule is None:
        raise ValidationError(f"{year}年没有{mw.get_level_display()}劳模的医疗补助标准。")
    amount, working = rules.subsidy(self_paid=aid.self_paid(case), rule=rules.SubsidyRuleOf(
        rule.share, rule.yearly_cap, rule.retired_only), already=_already(mw, year, case.pk))
    return amount, [f"{mw.get_level_display()}劳模，{year}年度", *working]


def hospital_eligibility(case: Case) -> None:
    reason = hospital_unavailable(case.applicant)
    if reason:
        raise ValidationError(reason)
    aid.case_invoices_check(case)


def on_step(case: Case, step, source: str, actor) -> None:
    """Inside the transaction of every step of a hospital claim."""
    name = step.name
    if name == "submit":
        aid.case_invoices_hold(case)
    elif name in ("withdraw", "not_accept", "deny"):
        aid.invoices_release(source=HOSPITAL_ITEM, object_id=case.pk)
    elif name == "approve":
        _approved(actor, case)


def _approved(actor, case: Case) -> Subsidy:
    mw = record_of(case.applicant)
    if mw is None:
        raise ValidationError("申请人已不在劳模名册中，不能核准。")
    amount, working = hospital_quote(case)
    if amount <= 0:
        raise ValidationError("本年度医疗补助已达封顶，补助金额为0，请选择“不予核准”并说明原因。")
    year = claim_year(case)
    subsidy = Subsidy.objects.create(case=case, model_worker=mw, year=year, self_paid=aid.self_paid(case),
                                     amount=amount, working=working)
    aid.grant(actor=actor, source=HOSPITAL_ITEM, programme="劳模医疗补助", object_id=case.pk, case=case,
              reference=case.number, id_number=mw.worker.id_number_clear(), name=mw.name, purpose=Purpose.MEDICAL,
              period=year, amount=amount, org=case.org)
    Case.objects.filter(pk=case.pk).update(result={**(case.result or {}), "amount": str(amount)})
    return subsidy


def payee_correct(*, actor, case: Case, bank_card: str, bank_name: str) -> None:
    subsidy = Subsidy.objects.filter(case=case).first()
    if subsidy is None or not subsidy.payment_problem or case.state != State.APPROVED:
        raise ValidationError("该申请无需更正收款账户。")
    with transaction.atomic():
        cases.payee_replace(actor=actor, case=case, bank_card=bank_card, bank_name=bank_name)
        Subsidy.objects.filter(pk=subsidy.pk).update(payment_problem="")


# --- condolence visits -------------------------------------------------------------------------------------

def visit_record(*, actor, mw: ModelWorker, visited_on, visitors: str, reason: str, amount) -> Visit:
    _require(actor, mw.org, "登记慰问")
    errors: dict[str, str] = {}
    try:
        day = parse_day(visited_on, "慰问日期", "visited_on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    visitors = (visitors or "").strip()
    if not visitors:
        errors["visitors"] = "请填写慰问人。"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写慰问原因（如：患病住院、生活困难）。"
    try:
        cash = parse_amount(amount, "慰问金", "amount")
    except ValidationError as exc:
        errors.update(exc.message_dict if hasattr(exc, "error_dict") else {"amount": exc.messages[0]})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit = Visit.objects.create(model_worker=mw, visited_on=day, visitors=visitors[:100], reason=reason[:200],
                                     amount=cash, recorded_by=actor)
        audit.record(actor=actor, action="model_workers.visit", obj=mw,
                     summary=f"慰问劳模{mw.name}：{day:%Y-%m-%d}，{reason[:40]}，{money(cash)}元")
    return visit


# --- health checks (health data: the managing staff only) ------------------------------------------------

def check_every(level: str) -> int | None:
    rule = CheckRule.objects.filter(level=level).first()
    return rule.every_years if rule else None


def check_record(*, actor, mw: ModelWorker, checked_on, hospital: str, result: str) -> HealthCheck:
    _require(actor, mw.org, "登记体检")
    errors: dict[str, str] = {}
    try:
        day = parse_day(checked_on, "体检日期", "checked_on")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    hospital = (hospital or "").strip()
    if not hospital:
        errors["hospital"] = "请填写体检机构。"
    result = (result or "").strip()
    if not result:
        errors["result"] = "请填写体检结论。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = HealthCheck.objects.create(model_worker=mw, checked_on=day, hospital=hospital[:60],
                                         result_enc=pii.encrypt(result[:2000], field="health"), recorded_by=actor)
        audit.record(actor=actor, action="model_workers.check", obj=mw,
                     summary=f"登记劳模{mw.name}的健康体检（{day:%Y-%m-%d}，{hospital[:30]}）")
    return row


def check_result_read(*, actor, check: HealthCheck) -> str:
    """A health check's result in clear, for the staff who manage the model worker; each view audited."""
    _require(actor, check.model_worker.org, "查看体检结论")
    audit.record(actor=actor, action="model_workers.check_view", obj=check.model_worker,
                 summary=f"查看劳模{check.model_worker.name}的体检结论（{check.checked_on:%Y-%m-%d}）")
    return check.result()


# --- recuperation ------------------------------------------------------------------------------------------

def group_create(*, actor, name: str, starts_on, destination: str, days=7, places: dict) -> RecuperationGroup:
    """A recuperation group (the city): its dates and the places of each unit (``{org: places}``)."""
    _city(actor, "组织劳模疗休养")
    errors: dict[str, str] = {}
    name, destination = (name or "").strip(), (destination or "").strip()
    if not name:
        errors["name"] = "请填写团组名称。"
    if not destination:
        errors["destination"] = "请填写疗休养地。"
    try:
        day = parse_day(starts_on, "出发日期", "starts_on", future=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    length = str(days or "7").strip()
    if not (length.isdigit() and 1 <= int(length) <= 30):
        errors["days"] = "天数应为1至30。"
    clean = {}
    for org, count in (places or {}).items():
        text = str(count or "").strip()
        if not text:
            continue
        if not text.isdigit():
            errors["places"] = "名额应为整数。"
            continue
        if int(text):
            clean[org] = int(text)
    if not clean and "places" not in errors:
        errors["places"] = "请至少给一个单位分配名额。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        group = RecuperationGroup.objects.create(name=name[:60], starts_on=day, days=int(length),
                                                 destination=destination[:60])
        RecuperationPlace.objects.bulk_create([RecuperationPlace(group=group, org=o, places=n)
                                               for o, n in clean.items()])
        audit.record(actor=actor, action="model_workers.group_create", obj=group,
                     summary=f"组织劳模疗休养：{name}，{day:%Y-%m-%d}出发，{sum(clean.values())}个名额")
    return group


def _unit_of(mw: ModelWorker, group: RecuperationGroup) -> RecuperationPlace | None:
    """The place row a model worker's unit draws on: its own, or the nearest above it that has places."""
    rows = {p.org.path: p for p in group.places.select_related("org")}
    for path in sorted(rows, key=len, reverse=True):
        if mw.org.path.startswith(path):
            return rows[path]
    return None


def recuperant_add(*, actor, group: RecuperationGroup, mw: ModelWorker) -> Recuperant:
    _require(actor, mw.org, "推荐疗休养人员")
    if mw.status_on(group.starts_on) == "deceased":
        raise ValidationError(f"{mw.name}已故。")
    place = _unit_of(mw, group)
    if place is None:
        raise ValidationError(f"{mw.org.name}在该团组没有名额。")
    with transaction.atomic():
        RecuperationPlace.objects.select_for_update().get(pk=place.pk)
        taken = Recuperant.objects.filter(group=group, org=place.org).count()
        if taken >= place.places:
            raise ValidationError(f"{place.org.name}的{place.places}个名额已满。")
        try:
            with transaction.atomic():
                row = Recuperant.objects.create(group=group, model_worker=mw, org=place.org, added_by=actor)
        except IntegrityError:
            raise ValidationError(f"{mw.name}已在该团组中。") from None
        audit.record(actor=actor, action="model_workers.recuperant_add", obj=group,
                     summary=f"{group.name}：{place.org.name}推荐{mw.name}")
    return row


def recuperant_remove(*, actor, row: Recuperant) -> None:
    _require(actor, row.model_worker.org, "调整疗休养人员")
    if row.group.starts_on <= timezone.localdate():
        raise Conflict("团组已出发，不能调整人员。")
    with transaction.atomic():
        row.delete()
        audit.record(actor=actor, action="model_workers.recuperant_remove", obj=row.group,
                     summary=f"{row.group.name}：取消{row.model_worker.name}")
