"""Every write of medical mutual aid: enrolment, contributions, invoices, the claim hooks on the case
engine, payment batches and the bank's result. Permission, state, one transaction, audit."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from gonghui.accounts import second_factor
from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.core import audit, idnumber, numbering, pii
from gonghui.core.spreadsheets import FileRefused, cell_text, read_table
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import in_scope, scope_paths
from gonghui.registry.importing import Importer, Result, RowInvalid
from gonghui.registry.models import Worker

from . import calculation
from .models import (
    BatchState,
    Claim,
    ClaimInvoice,
    Contribution,
    Enrolment,
    LineStatus,
    PaymentBatch,
    PaymentLine,
    PlanYear,
    Product,
)

ITEM_CODE = "mutual_aid_claim"
PERM_MANAGE = "mutual_aid.manage_mutual_aid"
PERM_PAY = "mutual_aid.manage_payments"
PERM_ENROL = "registry.import_registry"  # who may load a roster may enrol its workers


def _require(actor, perm: str, path: str, what: str) -> None:
    if not (actor.has_perm(perm) and in_scope(actor, path, perm)):
        raise PermissionDenied(f"您没有{what}的权限。")


# --- enrolment ------------------------------------------------------------------------------------------

def covered_from(product: Product, enrolled_on: dt.date, renewal: bool) -> dt.date:
    start = max(enrolled_on, product.plan_year.starts_on)
    return start if renewal else start + dt.timedelta(days=product.waiting_days)


def _renewal(product: Product, worker_ids) -> set[int]:
    """Workers enrolled in the same product (by code) the year before: no waiting period for them."""
    return set(Enrolment.objects.filter(product__code=product.code, product__plan_year__year=product.plan_year.year - 1,
                                        worker_id__in=worker_ids).values_list("worker_id", flat=True))


def enrol(*, actor, product: Product, workers, on: dt.date | None = None, source: str = "picked",
          request=None) -> int:
    """Enrol workers picked from the registry (already enrolled ones are left as they are)."""
    on = on or timezone.localdate()
    workers = list(workers)
    for worker in workers:
        _require(actor, PERM_ENROL, worker.org.path, "为该职工参保")
    with transaction.atomic():
        created = _enrol_rows(product, workers, on, source)
        audit.record(actor=actor, action="mutual_aid.enrol", request=request, object_type="mutual_aid.product",
                     object_id=str(product.pk), summary=f"{product}参保{created}人（{source}）")
    return created


def enrol_by_id_number(*, actor, product: Product, id_number: str, request=None) -> Worker:
    """Pick one worker of the registry by ID number (in the actor's subtree) and enrol them."""
    try:
        number = idnumber.parse(id_number).value
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": f"身份证号无效：{exc}"}) from None
    from gonghui.registry.selectors import worker_search

    worker = worker_search(user=actor, q=number).select_related("org").first()  # scoped, by the blind index
    if worker is None:
        raise ValidationError({"id_number": "您的管辖范围内没有这个身份证号的职工，请先在职工档案中登记。"})
    if Enrolment.objects.filter(product=product, worker=worker).exists():
        raise ValidationError({"id_number": f"{worker.name}已参加{product}。"})
    enrol(actor=actor, product=product, workers=[worker], request=request)
    return worker


def _enrol_rows(product: Product, workers: list[Worker], on: dt.date, source: str) -> int:
    existing = set(Enrolment.objects.filter(product=product, worker__in=workers).values_list("worker_id", flat=True))
    renewals = _renewal(product, [w.pk for w in workers])
    rows = [Enrolment(product=product, worker=w, enterprise_id=w.enterprise_id, org_id=w.org_id, enrolled_on=on,
                      covered_from=covered_from(product, on, w.pk in renewals), renewal=w.pk in renewals,
                      source=source)
            for w in workers if w.pk not in existing]
    Enrolment.objects.bulk_create(rows, batch_size=1000)
    _refresh_contributions(product, {w.enterprise_id for w in workers if w.enterprise_id})
    return len(rows)


def _refresh_contributions(product: Product, enterprise_ids) -> None:
    counts = dict(Enrolment.objects.filter(product=product, enterprise_id__in=enterprise_ids)
                  .values_list("enterprise_id").annotate(n=Count("id")))
    for enterprise_id in enterprise_ids:
        persons = counts.get(enterprise_id, 0)
        row, _ = Contribution.objects.get_or_create(product=product, enterprise_id=enterprise_id)
        Contribution.objects.filter(pk=row.pk).update(persons=persons, amount_due=product.contribution * persons)


class RosterImporter(Importer):
    """An enterprise's roster for a product: name and ID number of each worker (the registry's importer
    machinery: same reading of .xlsx/CSV, per-row errors with reasons, safe to run twice)."""

    kind = "roster"
    columns = ["姓名", "身份证号"]
    required = ["姓名", "身份证号"]
    key_column = "身份证号"

    def __init__(self, *, scope: Org, product: Product, on: dt.date):
        super().__init__(scope=scope)
        self.product, self.on = product, on

    def prepare(self) -> None:
        self.enrolled = set(Enrolment.objects.filter(product=self.product).values_list("worker_id", flat=True))

    def validate(self, values: dict):
        name = cell_text(values.get("姓名"))
        try:
            number = idnumber.parse(values.get("身份证号")).value
        except idnumber.IdNumberError as exc:
            raise RowInvalid("身份证号", str(exc)) from None
        worker = (Worker.objects.within(self.scope.path).select_related("org")
                  .filter(id_bidx=pii.blind_index(number, purpose="id_number")).first())
        if worker is None:
            raise RowInvalid("身份证号", "职工档案中没有此人（或不在本单位范围内），请先导入职工名单")
        if worker.name != name:
            raise RowInvalid("姓名", f"姓名与职工档案（{worker.name}）不一致")
        return worker

    def key(self, record) -> str:
        return str(record.pk)

    def label(self, values: dict) -> str:
        raw = cell_text(values.get("身份证号"))
        return f"{cell_text(values.get('姓名'))} {pii.mask_id(raw) if len(raw) >= 15 else raw}"

    def commit(self, records: list, result: Result) -> None:
        result.updated += sum(1 for w in records if w.pk in self.enrolled)
        result.created += _enrol_rows(self.product, records, self.on, "roster")


def roster_import(*, actor, product: Product, data: bytes, filename: str, dry_run: bool = False,
                  request=None) -> Result:
    paths = scope_paths(actor, PERM_ENROL)
    if not paths:
        raise PermissionDenied("您没有参保登记的权限。")
    scope = Org.objects.get(path=min(paths, key=len))
    result = RosterImporter(scope=scope, product=product, on=timezone.localdate()).run(
        data, filename, dry_run=dry_run)
    if not dry_run:
        audit.record(actor=actor, action="mutual_aid.roster_import", request=request,
                     object_type="mutual_aid.product", object_id=str(product.pk),
                     summary=f"{product}花名册{filename}：新增{result.created}，已参保{result.updated}，"
                             f"错误{result.rejected}"[:300])
    return result


def contribution_paid(*, actor, contribution: Contribution, amount: Decimal, on: dt.date, request=None) -> None:
    _require(actor, PERM_MANAGE, contribution.enterprise.org.path, "登记缴费")
    if amount <= 0:
        raise ValidationError({"amount": "缴费金额应大于0。"})
    with transaction.atomic():
        Contribution.objects.filter(pk=contribution.pk).update(amount_paid=contribution.amount_paid + amount,
                                                               paid_on=on)
        audit.record(actor=actor, action="mutual_aid.contribution_paid", obj=contribution, request=request,
                     summary=f"{contribution.enterprise.name}缴费{amount}元")


# --- claims: invoices, and the hooks on the case engine ------------------------------------------------

def claim_of(case: Case) -> Claim:
    claim = Claim.objects.filter(case=case).first()
    return claim if claim is not None else Claim.objects.create(case=case, product=None)


def _decimal(raw, label: str) -> Decimal:
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({label: f"{label}应为金额数字。"}) from None
    if not value.is_finite() or value < 0 or value > Decimal("10000000"):
        raise ValidationError({label: f"{label}不是有效金额。"})
    return value.quantize(Decimal("0.01"))


def normalise_invoice_number(raw: str) -> str:
    """Digits and letters only, upper case: "fp 0001" and "FP-0001" are the same invoice."""
    return re.sub(r"[^0-9A-Za-z]", "", str(raw)).upper()


def invoice_add(*, actor, case: Case, number: str, hospital: str, issued_on: str, amount, eligible,
                request=None) -> ClaimInvoice:
    """The applicant (or the intake staff) lists an invoice while the case is a draft or returned."""
    if not cases.may_act_as_applicant(actor, case):
        raise PermissionDenied("只有申请人或代办人员可以填写发票。")
    if not cases.is_editable(case):
        raise cases.CaseConflict("办件审核期间不能修改发票。")
    errors = {}
    number = normalise_invoice_number(number)
    if not 6 <= len(number) <= 40:
        errors["number"] = ["请填写发票号码（6至40位数字或字母）。"]
    if not (hospital or "").strip():
        errors["hospital"] = ["请填写医院名称。"]
    try:
        day = dt.date.fromisoformat(str(issued_on))
    except ValueError:
        errors["issued_on"] = ["请填写结算日期（如2026-03-01）。"]
        day = None
    try:
        total, part = _decimal(amount, "发票金额"), _decimal(eligible, "可补助金额")
        if part > total:
            errors["eligible"] = ["可补助金额不能大于发票金额。"]
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    claim = claim_of(case)
    if claim.invoices.filter(number=number).exists():
        raise ValidationError({"number": "这张发票已经填写过。"})
    with transaction.atomic():
        row = ClaimInvoice.objects.create(claim=claim, number=number, hospital=hospital.strip()[:60], issued_on=day,
                                          amount=total, eligible=part, eligible_claimed=part)
        cases.add_event(case, actor, "edit", f"填写发票{number}", text=f"{hospital} {day} {total}元")
        audit.record(actor=actor, action="mutual_aid.invoice_add", obj=case, request=request,
                     summary=f"{case.number} 发票{number} {total}元")
    return row


def claim_create(*, actor, item, data: dict, invoices: list[dict], worker=None, request=None) -> Case:
    """A claim with its invoices in one go (the API's): the case (a draft) and every invoice, or nothing
    — every invoice's problems are reported at once, keyed ``invoices.<n>.<field>``."""
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        case = cases.case_create(actor=actor, item=item, data=data, worker=worker, request=request)
        for n, invoice in enumerate(invoices, start=1):
            try:
                invoice_add(actor=actor, case=case, request=request, **{
                    k: invoice.get(k, "") for k in ("number", "hospital", "issued_on", "amount", "eligible")})
            except ValidationError as exc:
                for key, messages in (exc.message_dict if hasattr(exc, "error_dict") else
                                      {"__all__": exc.messages}).items():
                    errors.setdefault(f"invoices.{n}.{key}", []).extend(f"第{n}张发票：{m}" for m in messages)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return case


def invoice_remove(*, actor, invoice: ClaimInvoice, request=None) -> None:
    case = invoice.claim.case
    if not cases.may_act_as_applicant(actor, case) or not cases.is_editable(case):
        raise PermissionDenied("现在不能删除发票。")
    with transaction.atomic():
        invoice.delete()
        audit.record(actor=actor, action="mutual_aid.invoice_remove", obj=case, request=request,
                     summary=f"{case.number} 删除发票{invoice.number}")


def invoice_correct(*, actor, invoice: ClaimInvoice, eligible, reason: str, request=None) -> ClaimInvoice:
    """The reviewer corrects an eligible amount, with a reason, while the case is under review."""
    case = invoice.claim.case
    if not cases.staff_may(actor, case, "cases.decide_case"):
        raise PermissionDenied("您没有审核更正的权限。")
    if case.state not in (State.ACCEPTED, State.IN_REVIEW):
        raise cases.CaseConflict("只有受理后、核准前可以更正金额。")
    value = _decimal(eligible, "可补助金额")
    if value > invoice.amount:
        raise ValidationError({"eligible": "可补助金额不能大于发票金额。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写更正理由。"})
    with transaction.atomic():
        before = invoice.eligible
        ClaimInvoice.objects.filter(pk=invoice.pk).update(eligible=value, correction_reason=reason.strip()[:200])
        cases.add_event(case, actor, "note", f"更正发票{invoice.number}可补助金额",
                     text=f"{before} → {value}：{reason}", public=True)
        audit.record(actor=actor, action="mutual_aid.invoice_correct", obj=case, request=request,
                     summary=f"{case.number} 发票{invoice.number}可补助金额{before}→{value}：{reason}"[:300])
    invoice.refresh_from_db()
    return invoice


def _plan_year_of(day: dt.date) -> PlanYear | None:
    return PlanYear.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


def _product_for(case: Case, day: dt.date) -> Product:
    plan_year = _plan_year_of(day)
    if plan_year is None:
        raise ValidationError({"discharged_on": f"出院日期{day}不在任何活动年度的保障期内。"})
    product = plan_year.products.filter(name=case.form.get("product")).first()
    if product is None:
        raise ValidationError({"product": f"{plan_year.name}没有“{case.form.get('product')}”项目。"})
    return product


def eligibility(case: Case) -> None:
    """Before submit: covered on the dates, dates in the plan year, within the claim deadline, no invoice
    already claimed — every problem at once."""
    claim = claim_of(case)
    invoices = list(claim.invoices.all())
    if not invoices:
        raise ValidationError({"invoices": "请至少填写一张发票。"})
    discharged = dt.date.fromisoformat(case.form["discharged_on"])
    product = _product_for(case, discharged)
    plan_year = product.plan_year
    errors: dict[str, list[str]] = {}
    enrolment = Enrolment.objects.filter(product=product, worker_id=case.applicant_id).first()
    if enrolment is None:
        errors["product"] = [f"您未参加{product}，不能申请。"]
    elif discharged < enrolment.covered_from:
        errors["discharged_on"] = [f"出院时仍在等待期内（保障自{enrolment.covered_from}起）。"]
    admitted = case.form.get("admitted_on")
    if admitted and dt.date.fromisoformat(admitted) > discharged:
        errors["admitted_on"] = ["入院日期不能晚于出院日期。"]
    for invoice in invoices:
        if not plan_year.covers(invoice.issued_on):
            errors.setdefault("invoices", []).append(
                f"发票{invoice.number}的日期{invoice.issued_on}不在{plan_year.name}保障期内。")
    if timezone.localdate() > plan_year.claim_deadline:
        errors["__all__"] = [f"{plan_year.name}的报销申请已于{plan_year.claim_deadline}截止，申请已失效。"]
    taken = set(ClaimInvoice.objects.filter(reserved=True, number__in=[i.number for i in invoices])
                .exclude(claim=claim).values_list("number", flat=True))
    for number in sorted(taken):
        errors.setdefault("invoices", []).append(f"发票{number}已被其他报销申请使用，不能重复报销。")
    if errors:
        raise ValidationError(errors)


def _granted(claim: Claim) -> Decimal:
    """What the worker has been granted in the product's period, other claims (approved or paid)."""
    total = (Claim.objects.filter(product=claim.product, case__applicant_id=claim.case.applicant_id,
                                  case__state__in=[State.APPROVED, State.FULFILLED])
             .exclude(pk=claim.pk).aggregate(s=Sum("subsidy"))["s"])
    return total or Decimal("0")


def compute(claim: Claim) -> tuple[Decimal, list[str]]:
    enrolment = Enrolment.objects.get(product=claim.product, worker_id=claim.case.applicant_id)
    invoices = [calculation.Invoice(i.number, i.issued_on, i.eligible) for i in claim.invoices.all()]
    return calculation.subsidy(claim.product.rules, invoices, covered_from=enrolment.covered_from,
                               already_granted=_granted(claim), condition=claim.case.form.get("condition", ""))


def calculate(case: Case) -> dict:
    """At approval: the subsidy by the rules of the plan year of the stay (stored on the case)."""
    claim = claim_of(case)
    if claim.product_id is None:
        claim.product = _product_for(case, dt.date.fromisoformat(case.form["discharged_on"]))
    amount, working = compute(claim)
    if amount <= 0:
        raise ValidationError("按规则计算的补助金额为0，请改为“不予核准”并说明原因。")
    return {"subsidy": str(amount), "working": working}


def on_step(case: Case, name: str, source: str) -> None:
    """In the step's transaction: reserve the invoice numbers at submit (the database refuses a number
    another claim holds), release them when the claim is withdrawn or not accepted; keep the product and
    the subsidy on the claim."""
    claim = claim_of(case)
    if name == "submit":
        claim.product = _product_for(case, dt.date.fromisoformat(case.form["discharged_on"]))
        claim.save(update_fields=["product"])
        try:
            with transaction.atomic():
                claim.invoices.update(reserved=True)
        except IntegrityError:
            raise ValidationError({"invoices": "发票已被其他报销申请使用，不能重复报销。"}) from None
    elif name in ("withdraw", "not_accept"):
        claim.invoices.update(reserved=False)
    elif name == "approve":
        Claim.objects.filter(pk=claim.pk).update(subsidy=Decimal(case.result["subsidy"]),
                                                 working=case.result["working"])


def payee_correct(*, actor, case: Case, bank_card: str, bank_name: str, request=None) -> None:
    """After a failed payment the applicant gives the right bank card; the claim can then be paid again."""
    if not cases.is_applicant(actor, case):
        raise PermissionDenied("只有申请人可以更正收款账户。")
    claim = claim_of(case)
    if not claim.payment_problem or case.state != State.APPROVED:
        raise ValidationError("该报销申请无需更正收款账户。")
    from gonghui.cases import catalogue

    form, secrets = catalogue.clean_form(case.item, {**{k: "" for k in case.form}, "bank_card": bank_card,
                                                     "bank_name": bank_name}, require=False)
    if "bank_card" not in secrets or not form.get("bank_name"):
        raise ValidationError({"bank_card": "请填写银行卡号和开户行。"})
    kept = case.secrets()
    kept["bank_card"] = secrets["bank_card"]
    new_form = {**case.form, "bank_card": form["bank_card"], "bank_name": form["bank_name"]}
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(form=new_form, form_secret=cases.seal_secrets(kept))
        Claim.objects.filter(pk=claim.pk).update(payment_problem="")
        cases.add_event(case, actor, "edit", "更正收款账户", text=f"{form['bank_name']} {form['bank_card']}")
        audit.record(actor=actor, action="mutual_aid.payee_correct", obj=case, request=request,
                     summary=f"{case.number} 更正收款账户为{form['bank_card']}")


# --- payment --------------------------------------------------------------------------------------------

def payable(*, user):
    """Approved claims in the user's scope not in a pending or paid line and with no payment problem."""
    return (Claim.objects.filter(case__in=Case.objects.visible_to(user, PERM_PAY).values("pk"),
                                 case__state=State.APPROVED, payment_problem="")
            .exclude(payment_lines__status__in=[LineStatus.PENDING, LineStatus.PAID])
            .select_related("case", "case__applicant"))


BATCH_PREFIX = "ZF"


def batch_create(*, actor, claims=None, request=None) -> PaymentBatch:
    """Gather approved claims into a batch. A claim already in a pending or paid line is refused by the
    database (two finance staff gathering at once: each claim lands in one batch)."""
    paths = scope_paths(actor, PERM_PAY)
    if not paths:
        raise PermissionDenied("您没有补助金支付的权限。")
    org = Org.objects.get(path=min(paths, key=len))
    claims = list(claims if claims is not None else payable(user=actor)[:2000])
    if not claims:
        raise ValidationError("没有待支付的已核准报销申请。")
    with transaction.atomic():
        number = numbering.next_number(BATCH_PREFIX, timezone.localdate().year)
        batch = PaymentBatch.objects.create(number=number, org=org, created_by=actor)
        total = Decimal("0")
        for claim in claims:
            case = claim.case
            if not in_scope(actor, case.org.path, PERM_PAY) or case.state != State.APPROVED:
                raise ValidationError(f"{case.number}不能支付。")
            secrets = case.secrets()
            account = secrets.get("bank_card", "")
            try:
                with transaction.atomic():
                    PaymentLine.objects.create(batch=batch, claim=claim, payee=case.applicant.name,
                                               bank_name=case.form.get("bank_name", ""),
                                               account_enc=pii.encrypt(account, field="bank_card"),
                                               account_last4=account[-4:], amount=claim.subsidy)
            except IntegrityError:
                raise cases.CaseConflict(f"{case.number}已在其他支付批次中。") from None
            total += claim.subsidy
        PaymentBatch.objects.filter(pk=batch.pk).update(total=total, count=len(claims))
        audit.record(actor=actor, action="mutual_aid.batch_create", obj=batch, request=request,
                     summary=f"支付批次{batch.number}：{len(claims)}笔，{total}元")
    batch.refresh_from_db()
    return batch


def batch_approve(*, actor, batch: PaymentBatch, request=None) -> PaymentBatch:
    _require(actor, PERM_PAY, batch.org.path, "审批支付批次")
    second_factor.require_recent(request, "审批支付批次")
    with transaction.atomic():
        if not PaymentBatch.objects.filter(pk=batch.pk, state=BatchState.DRAFT).update(
                state=BatchState.APPROVED, approved_by=actor, approved_at=timezone.now()):
            raise cases.CaseConflict("该批次已审批。")
        audit.record(actor=actor, action="mutual_aid.batch_approve", obj=batch, request=request,
                     summary=f"审批支付批次{batch.number}：{batch.count}笔，{batch.total}元")
    batch.refresh_from_db()
    return batch


def batch_export(*, actor, batch: PaymentBatch, exporter: str = "xlsx", request=None) -> tuple[bytes, str, str]:
    """The bank's transfer file (full account numbers: audited, needs the second factor)."""
    from .bankfiles import EXPORTERS

    _require(actor, PERM_PAY, batch.org.path, "导出银行文件")
    if batch.state not in (BatchState.APPROVED, BatchState.EXPORTED):
        raise cases.CaseConflict("批次审批后才能导出银行文件。")
    second_factor.require_recent(request, "导出银行文件")
    if exporter not in EXPORTERS:
        raise ValidationError("未知的银行文件格式。")
    lines = list(batch.lines.filter(status=LineStatus.PENDING))
    data, content_type, extension = EXPORTERS[exporter](batch, lines)
    with transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk, state=BatchState.APPROVED).update(
            state=BatchState.EXPORTED, exported_at=timezone.now())
        audit.record(actor=actor, action="mutual_aid.batch_export", obj=batch, request=request,
                     summary=f"导出银行文件{batch.number}（{len(lines)}笔，含完整账号）",
                     changes={"sha256": hashlib.sha256(data).hexdigest()})
    return data, content_type, f"{batch.number}.{extension}"


PAID_WORDS = {"成功", "已支付", "支付成功", "success", "ok", "paid"}


def batch_import_result(*, actor, batch: PaymentBatch, data: bytes, filename: str, request=None) -> dict:
    """The bank's result file: 业务参考号 (the case number), 状态 (成功/失败), 失败原因. Paid rows fulfil their
    case and notify the worker; failed rows send the worker to correct the bank card. A row already
    settled is skipped, so importing the same file twice changes nothing."""
    _require(actor, PERM_PAY, batch.org.path, "导入银行结果")
    if batch.state not in (BatchState.EXPORTED, BatchState.CLOSED):
        raise cases.CaseConflict("请先导出银行文件，再导入银行的处理结果。")
    try:
        table = read_table(data, filename)
    except FileRefused as exc:
        raise ValidationError(exc.message) from None
    positions = {name: i for i, name in enumerate(table.header) if name}
    if "业务参考号" not in positions or "状态" not in positions:
        raise ValidationError("结果文件应包含“业务参考号”和“状态”两列。")
    lines = {line.claim.case.number: line for line in batch.lines.select_related("claim__case__item")}
    counts = {"paid": 0, "failed": 0, "skipped": 0, "unknown": []}
    def cell(cells, name):
        i = positions.get(name)
        return cell_text(cells[i]) if i is not None and i < len(cells) else ""

    for row_no, cells in table.rows:
        reference = cell(cells, "业务参考号")
        if not reference:
            continue
        line = lines.get(reference)
        if line is None:
            counts["unknown"].append(f"第{row_no}行：{reference}不在本批次")
            continue
        paid = cell(cells, "状态").lower() in PAID_WORDS
        with transaction.atomic():
            settled = PaymentLine.objects.filter(pk=line.pk, status=LineStatus.PENDING).update(
                status=LineStatus.PAID if paid else LineStatus.FAILED, settled_at=timezone.now(),
                reason="" if paid else (cell(cells, "失败原因") or "银行退回")[:200])
            if not settled:
                counts["skipped"] += 1
                continue
            case = line.claim.case
            if paid:
                Claim.objects.filter(pk=line.claim_id).update(paid_at=timezone.now())
                cases.transition(actor=actor, case=case, name="fulfil", request=request)
                counts["paid"] += 1
            else:
                reason = cell(cells, "失败原因") or "银行退回"
                Claim.objects.filter(pk=line.claim_id).update(payment_problem=reason[:200])
                cases.add_event(case, actor, "transition", "支付失败，请更正银行卡", text=reason)
                from gonghui.cases import notify

                notify.notify_applicant(case, "payment_failed", reason=reason)
                counts["failed"] += 1
    with transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk).update(state=BatchState.CLOSED)
        audit.record(actor=actor, action="mutual_aid.batch_result", obj=batch, request=request,
                     summary=f"导入银行结果{batch.number}：成功{counts['paid']}，失败{counts['failed']}，"
                             f"已处理跳过{counts['skipped']}")
    return counts


def paid_total(plan_year: PlanYear) -> Decimal:
    return (PaymentLine.objects.filter(status=LineStatus.PAID, claim__product__plan_year=plan_year)
            .aggregate(s=Sum("amount"))["s"] or Decimal("0"))

