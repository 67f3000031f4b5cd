"""Plan-year administration (the city's mutual-aid administrators; towns read only): plan years created
from the year before, their period, enrolment window and claim deadline; products with their contributions,
waiting period and benefit rules; rule changes from a date; closing a year; late-claim exceptions.

Rules are versioned, never rewritten under a valued claim: a product's own rules may be edited until a
claim has been valued by them; after that a change takes effect from a date later than every stay already
valued, and earlier stays keep the rules they were valued by (``Product.rules_on``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gonghui.core import audit, idnumber
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import in_scope

from .. import calculation
from ..models import (
    PERM_ADMIN,
    Claim,
    Enrolment,
    LateClaimException,
    LateCover,
    Payer,
    PlanYear,
    Product,
    RuleChange,
)
from .common import _decimal


def may_administer(actor) -> bool:
    """Plan years are the whole city's: the permission must be held at the city (the root of the tree)."""
    root = Org.objects.filter(depth=1).order_by("path").first()
    return bool(root and actor.has_perm(PERM_ADMIN) and in_scope(actor, root.path, PERM_ADMIN))


def _require_admin(actor) -> None:
    if not may_administer(actor):
        raise PermissionDenied("只有市总工会医疗互助管理员可以设置活动年度和补助规则。")


def _require_open(plan_year: PlanYear) -> None:
    if plan_year.closed:
        raise ValidationError(f"{plan_year.name}已关闭，不能再修改。")


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _day(raw, label: str, key: str) -> dt.date:
    try:
        return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError({key: f"请填写{label}（如2026-01-01）。"}) from None


# --- plan years -------------------------------------------------------------------------------------------

def plan_year_create(*, actor, year, copy_from: PlanYear | None = None) -> PlanYear:
    """A new plan year: a copy of ``copy_from`` (its dates moved on by the years between, its products
    with the rules in force at its end), or the usual calendar year with no products."""
    _require_admin(actor)
    try:
        year = int(str(year).strip())
    except ValueError:
        raise ValidationError({"year": "请填写年度（如2027）。"}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度应在2000至2100之间。"})
    if PlanYear.objects.filter(year=year).exists():
        raise ValidationError({"year": f"{year}年度已存在。"})
    with transaction.atomic():
        if copy_from is not None:
            gap = year - copy_from.year
            plan = PlanYear.objects.create(
                year=year, name=f"{year}年度", starts_on=_shift(copy_from.starts_on, gap),
                ends_on=_shift(copy_from.ends_on, gap), enrol_opens=_shift(copy_from.enrol_opens, gap),
                enrol_closes=_shift(copy_from.enrol_closes, gap),
                claim_deadline=_shift(copy_from.claim_deadline, gap), late_cover=copy_from.late_cover,
                example=copy_from.example)
            for product in copy_from.products.all():
                rules, _change = product.rules_on(copy_from.ends_on)
                Product.objects.create(plan_year=plan, code=product.code, name=product.name,
                                       contribution=product.contribution, payers=product.payers,
                                       waiting_days=product.waiting_days, rules=rules,
                                       rules_note=product.rules_note, order=product.order)
        else:
            plan = PlanYear.objects.create(
                year=year, name=f"{year}年度", starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31),
                enrol_opens=dt.date(year - 1, 10, 1), enrol_closes=dt.date(year - 1, 12, 31),
                claim_deadline=dt.date(year + 1, 3, 31), example=False)
        _check_overlap(plan)
        audit.record(actor=actor, action="mutual_aid.plan_year_create", obj=plan,
                     summary=f"设立{plan.name}" + (f"（复制{copy_from.name}及其{copy_from.products.count()}个项目）"
                                                  if copy_from else ""))
    return plan


def _check_overlap(plan: PlanYear) -> None:
    other = (PlanYear.objects.exclude(pk=plan.pk)
             .filter(starts_on__lte=plan.ends_on, ends_on__gte=plan.starts_on).first())
    if other is not None:
        raise ValidationError({"starts_on": f"保障期与{other.name}（{other.starts_on}至{other.ends_on}）重叠。"})


YEAR_FIELDS = {"name": "名称", "starts_on": "保障期开始", "ends_on": "保障期结束", "enrol_opens": "参保开始",
               "enrol_closes": "参保截止", "claim_deadline": "报销申请截止", "late_cover": "逾期参保保障起始"}


def plan_year_update(*, actor, plan_year: PlanYear, data: dict) -> PlanYear:
    """The year's name, period, enrolment window, claim deadline and late-enrolment rule. The period is
    fixed once workers are enrolled (their cover dates were set by it)."""
    _require_admin(actor)
    _require_open(plan_year)
    values = {"name": (data.get("name") or "").strip()[:40] or plan_year.name,
              "late_cover": data.get("late_cover") or plan_year.late_cover}
    if values["late_cover"] not in LateCover.values:
        raise ValidationError({"late_cover": "请选择逾期参保的保障起始规则。"})
    errors: dict[str, list[str]] = {}
    for key in ("starts_on", "ends_on", "enrol_opens", "enrol_closes", "claim_deadline"):
        try:
            values[key] = _day(data.get(key, getattr(plan_year, key)), YEAR_FIELDS[key], key)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = ["保障期结束不能早于开始。"]
    if values["enrol_closes"] < values["enrol_opens"]:
        errors["enrol_closes"] = ["参保截止不能早于参保开始。"]
    if values["claim_deadline"] < values["ends_on"]:
        errors["claim_deadline"] = ["报销申请截止不能早于保障期结束。"]
    if values["enrol_closes"] > values["ends_on"]:
        errors["enrol_closes"] = ["参保截止不能晚于保障期结束。"]
    moved = (values["starts_on"], values["ends_on"]) != (plan_year.starts_on, plan_year.ends_on)
    if moved and Enrolment.objects.filter(product__plan_year=plan_year).exists():
        errors["starts_on"] = ["已有职工参保（保障起始日按保障期确定），不能再修改保障期。"]
    if errors:
        raise ValidationError(errors)
    changes = {k: f"{getattr(plan_year, k)} → {v}" for k, v in values.items() if getattr(plan_year, k) != v}
    with transaction.atomic():
        for key, value in values.items():
            setattr(plan_year, key, value)
        plan_year.example = False
        _check_overlap(plan_year)
        plan_year.save()
        audit.record(actor=actor, action="mutual_aid.plan_year_update", obj=plan_year,
                     summary=f"修改{plan_year.name}：{'，'.join(YEAR_FIELDS[k] for k in changes) or '无变化'}",
                     changes=changes)
    return plan_year


def enrolment_window_set(*, actor, plan_year: PlanYear, open_now: bool) -> PlanYear:
    """Open the enrolment window today (it stays open at least until its set close), or close it today
    (a roster dated after today is late)."""
    _require_admin(actor)
    _require_open(plan_year)
    today = timezone.localdate()
    if open_now:
        if today > plan_year.ends_on:
            raise ValidationError(f"{plan_year.name}保障期已结束，不能再开放参保。")
        opens, closes = min(plan_year.enrol_opens, today), max(plan_year.enrol_closes, today)
    else:
        if today < plan_year.enrol_opens:
            raise ValidationError(f"参保尚未开始（{plan_year.enrol_opens}），无需截止。")
        opens, closes = plan_year.enrol_opens, min(plan_year.enrol_closes, today)
    with transaction.atomic():
        PlanYear.objects.filter(pk=plan_year.pk).update(enrol_opens=opens, enrol_closes=closes)
        audit.record(actor=actor, action="mutual_aid.enrolment_window", obj=plan_year,
                     summary=f"{plan_year.name}参保{'开放' if open_now else '截止'}：{opens}至{closes}")
    plan_year.refresh_from_db()
    return plan_year


def plan_year_close(*, actor, plan_year: PlanYear) -> PlanYear:
    """Close a year after its claim deadline: no more enrolments, contribution entries or rule changes;
    a late claim still needs an exception."""
    _require_admin(actor)
    _require_open(plan_year)
    if timezone.localdate() <= plan_year.claim_deadline:
        raise ValidationError(f"{plan_year.name}的报销申请截止日（{plan_year.claim_deadline}）之后才能关闭年度。")
    with transaction.atomic():
        PlanYear.objects.filter(pk=plan_year.pk).update(closed_at=timezone.now(), closed_by=actor)
        audit.record(actor=actor, action="mutual_aid.plan_year_close", obj=plan_year, summary=f"关闭{plan_year.name}")
    plan_year.refresh_from_db()
    return plan_year


# --- benefit rules as a form ---------------------------------------------------------------------------

_OPEN = {"以上", "不限", "其余", "-", "—", ""}


def _rate(text: str, line: int) -> Decimal:
    text = text.strip()
    try:
        rate = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise ValidationError({"bands": f"第{line}行的比例“{text}”应为百分数（如13%）。"}) from None
    if not Decimal("0") < rate <= 1:
        raise ValidationError({"bands": f"第{line}行的比例应大于0、不超过100%。"})
    return rate.normalize()


def _optional_money(raw, label: str, key: str) -> str | None:
    if str(raw or "").strip() == "":
        return None
    return str(_decimal(raw, label, key))


def rules_from_form(data: dict) -> dict:
    """The rules from the editor's fields.

    share: ``base`` (insured | selfpaid), ``deductible``, ``bands`` (one line per band: "10000 10%", the
    last "以上 15%"), ``cap_per_claim``, ``cap_per_period``;
    fixed: ``conditions`` (one line per condition: "八种女性特殊癌症之一 6000"), ``cap_per_period``.
    """
    kind = data.get("kind") or "share"
    if kind == "fixed":
        conditions = []
        for n, line in enumerate((data.get("conditions") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = re.split(r"[\s,，、]+", line.strip())
            if len(parts) < 2:
                raise ValidationError({"conditions": f"第{n}行应为“病种名称 金额”。"})
            amount = _decimal(parts[-1], f"第{n}行的金额", "conditions")
            conditions.append({"code": f"c{len(conditions) + 1}", "name": " ".join(parts[:-1])[:60],
                               "amount": str(amount)})
        if not conditions:
            raise ValidationError({"conditions": "请至少填写一个病种及其定额。"})
        return {"kind": "fixed", "conditions": conditions,
                "cap_per_period": _optional_money(data.get("cap_per_period"), "每期封顶", "cap_per_period")}
    if kind != "share":
        raise ValidationError({"kind": "请选择补助方式。"})
    base = data.get("base") or "insured"
    if base not in ("insured", "selfpaid"):
        raise ValidationError({"base": "请选择计算基数。"})
    bands, previous = [], Decimal("0")
    lines = [line for line in (data.get("bands") or "").splitlines() if line.strip()]
    if not lines:
        raise ValidationError({"bands": "请填写补助比例（如“以上 13%”）。"})
    for n, line in enumerate(lines, start=1):
        parts = line.split()
        upto_text, rate_text = (parts[0], parts[1]) if len(parts) >= 2 else ("以上", parts[0])
        rate = _rate(rate_text, n)
        if upto_text in _OPEN:
            if n != len(lines):
                raise ValidationError({"bands": f"第{n}行“以上”应为最后一档。"})
            bands.append({"upto": None, "rate": str(rate)})
            break
        upto = _decimal(upto_text, f"第{n}行的金额上限", "bands")
        if upto <= previous:
            raise ValidationError({"bands": f"第{n}行的金额上限应大于上一档。"})
        bands.append({"upto": str(upto), "rate": str(rate)})
        previous = upto
    if bands[-1]["upto"] is not None:
        raise ValidationError({"bands": "最后一档应为“以上 比例”，否则超过上限的费用不计补助。"})
    return {"kind": "share", "base": base,
            "deductible": str(_decimal(data.get("deductible") or "0", "起付线", "deductible")),
            "bands": bands,
            "cap_per_claim": _optional_money(data.get("cap_per_claim"), "单次封顶", "cap_per_claim"),
            "cap_per_period": _optional_money(data.get("cap_per_period"), "每期封顶", "cap_per_period")}


def rules_to_form(rules: dict) -> dict:
    """The editor's fields for ``rules`` (the inverse of ``rules_from_form``)."""
    if rules.get("kind") == "fixed":
        return {"kind": "fixed", "cap_per_period": rules.get("cap_per_period") or "",
                "conditions": "\n".join(f"{c['name']} {c['amount']}" for c in rules.get("conditions", []))}

    def percent(rate) -> str:
        return f"{(Decimal(str(rate)) * 100).normalize():f}%"

    return {"kind": "share", "base": rules.get("base", "insured"), "deductible": rules.get("deductible") or "0",
            "bands": "\n".join(f"{'以上' if b.get('upto') is None else b['upto']} {percent(b['rate'])}"
                               for b in rules.get("bands", [])),
            "cap_per_claim": rules.get("cap_per_claim") or "", "cap_per_period": rules.get("cap_per_period") or ""}


def rules_try(rules: dict, *, eligible, condition: str = "", already_granted="0") -> tuple[Decimal, list[str]]:
    """The working of ``rules`` on a sample claim (one invoice of ``eligible`` yuan), before saving."""
    amount = _decimal(eligible or "0", "试算金额", "sample")
    granted = _decimal(already_granted or "0", "本期已获补助", "sample_granted")
    day = dt.date(2000, 1, 2)
    return calculation.subsidy(rules, [calculation.Invoice("试算发票", day, amount)], covered_from=day,
                               already_granted=granted, condition=condition)


# --- products --------------------------------------------------------------------------------------------

def _valued(product: Product):
    return Claim.objects.filter(product=product, subsidy__isnull=False)


def product_save(*, actor, plan_year: PlanYear, data: dict, product: Product | None = None) -> Product:
    """Create or edit a product: name, contribution and who pays it, waiting period, benefit rules. Once
    workers are enrolled the contribution is fixed; once claims exist the name is; once a claim has been
    valued the rules change only from a date (``rule_change_add``)."""
    _require_admin(actor)
    _require_open(plan_year)
    errors: dict[str, list[str]] = {}
    name = (data.get("name") or "").strip()[:40]
    if not name:
        errors["name"] = ["请填写项目名称。"]
    code = (data.get("code") or "").strip().lower() if product is None else product.code
    if product is None and not re.fullmatch(r"[a-z][a-z0-9_-]{1,29}", code):
        errors["code"] = ["编码为2至30位小写字母、数字或下划线，以字母开头（如 inpatient）。"]
    elif product is None and plan_year.products.filter(code=code).exists():
        errors["code"] = [f"{plan_year.name}已有编码为{code}的项目。"]
    if name and plan_year.products.exclude(pk=getattr(product, "pk", None)).filter(name=name).exists():
        errors["name"] = [f"{plan_year.name}已有“{name}”项目。"]
    try:
        contribution = _decimal(data.get("contribution", ""), "每人缴费", "contribution")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        contribution = None
    payers = {}
    for payer in Payer.values:
        raw = str(data.get(f"payer_{payer}") or "").strip()
        if raw:
            try:
                payers[payer] = str(_decimal(raw, f"{Payer(payer).label}承担", f"payer_{payer}"))
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if contribution is not None and payers and sum(Decimal(v) for v in payers.values()) != contribution:
        errors["payers"] = [f"各方承担合计应等于每人缴费{contribution}元。"]
    try:
        waiting = int(str(data.get("waiting_days") or "0").strip())
        if not 0 <= waiting <= 365:
            raise ValueError
    except ValueError:
        errors["waiting_days"] = ["等待期应为0至365天。"]
        waiting = 0
    try:
        rules = rules_from_form(data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        rules = None
    if product is not None:
        if contribution is not None and contribution != product.contribution and product.enrolments.exists():
            errors["contribution"] = ["已有职工参保，缴费标准不能再修改。"]
        if name and name != product.name and product.claims.exists():
            errors["name"] = ["已有报销申请，项目名称不能再修改。"]
        if rules is not None and rules != product.rules and _valued(product).filter(rule_change=None).exists():
            errors["rules"] = ["已有报销按现行规则核定，不能直接修改；请用“规则变更”设定生效日期。"]
    if errors:
        raise ValidationError(errors)
    try:
        order = int(str(data.get("order") or (product.order if product else 10)))
    except ValueError:
        order = product.order if product else 10
    values = {"name": name, "contribution": contribution, "payers": payers, "waiting_days": waiting, "rules": rules,
              "rules_note": (data.get("rules_note") or "").strip()[:300], "order": order}
    with transaction.atomic():
        if product is None:
            product = Product.objects.create(plan_year=plan_year, code=code, **values)
            summary = f"{plan_year.name}新增项目{name}"
        else:
            changed = [k for k, v in values.items() if getattr(product, k) != v]
            Product.objects.filter(pk=product.pk).update(**values)
            product.refresh_from_db()
            summary = f"修改{product}：{'、'.join(changed) or '无变化'}"
        PlanYear.objects.filter(pk=plan_year.pk).update(example=False)
        audit.record(actor=actor, action="mutual_aid.product_save", obj=product, summary=summary[:300],
                     changes={"rules": rules, "contribution": str(contribution), "payers": payers})
    return product


def rule_change_add(*, actor, product: Product, effective_from, data: dict, note: str) -> RuleChange:
    """New rules for ``product`` from a date within its year, later than every stay already valued: claims
    valued before keep their amount and the rules they were valued by."""
    _require_admin(actor)
    _require_open(product.plan_year)
    day = _day(effective_from, "生效日期", "effective_from")
    year = product.plan_year
    if not year.covers(day) or day == year.starts_on:
        raise ValidationError({"effective_from": f"生效日期应在{year.name}保障期内、开始日之后"
                                                 f"（自开始日起的规则请直接修改项目）。"})
    last = _valued(product).aggregate(d=Max("discharged_on"))["d"]
    if last is not None and day <= last:
        raise ValidationError({"effective_from": f"已有出院日期为{last}的报销按原规则核定，"
                                                 f"新规则只能从{last + dt.timedelta(days=1)}之后生效。"})
    if product.rule_changes.filter(effective_from=day).exists():
        raise ValidationError({"effective_from": f"{day}已有一次规则变更。"})
    if not (note or "").strip():
        raise ValidationError({"note": "请填写变更说明（如依据的文件）。"})
    rules = rules_from_form(data)
    with transaction.atomic():
        change = RuleChange.objects.create(product=product, effective_from=day, rules=rules,
                                           note=note.strip()[:300], created_by=actor)
        audit.record(actor=actor, action="mutual_aid.rule_change", obj=product,
                     summary=f"{product}补助规则自{day}起变更：{note.strip()}"[:300], changes={"rules": rules})
    return change


# --- late claims -----------------------------------------------------------------------------------------

def late_exception_grant(*, actor, plan_year: PlanYear, id_number: str, reason: str) -> LateClaimException:
    """Let one worker claim in ``plan_year`` after its deadline (once), for a recorded reason."""
    _require_admin(actor)
    try:
        number = idnumber.parse(id_number).value
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": f"身份证号无效：{exc}"}) from None
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写批准逾期申请的理由。"})
    from gonghui.registry.selectors import worker_search

    worker = worker_search(user=actor, q=number).first()
    if worker is None:
        raise ValidationError({"id_number": "职工档案中没有这个身份证号的职工。"})
    if not Enrolment.objects.filter(product__plan_year=plan_year, worker=worker).exists():
        raise ValidationError({"id_number": f"{worker.name}未参加{plan_year.name}医疗互助。"})
    if LateClaimException.objects.filter(plan_year=plan_year, worker=worker, case__isnull=True).exists():
        raise ValidationError({"id_number": f"{worker.name}已有一项未使用的逾期申请例外。"})
    with transaction.atomic():
        exception = LateClaimException.objects.create(plan_year=plan_year, worker=worker,
                                                      reason=reason.strip()[:300], granted_by=actor)
        audit.record(actor=actor, action="mutual_aid.late_exception", obj=exception,
                     summary=f"批准{worker.name}逾期申请{plan_year.name}医疗互助补助：{reason.strip()}"[:300])
    return exception
