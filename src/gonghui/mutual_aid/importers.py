"""Mutual aid's import kinds, on the registry's importer machinery (same reading of .xlsx/CSV, per-row
errors with reasons and masked labels, preview, background job, command line, idempotence):

- ``ma_roster``: an enterprise's roster for a product, dated by the plan year (``services.covered_from``);
- ``ma_history_enrolments``: a past year's enrolments, with their dates and the contribution paid;
- ``ma_history_claims``: a past year's settled claims, one row per invoice, idempotent by the federation's
  own claim number (``报销编号``); written closed — they count in the figures and reserve their invoice
  numbers, but send no message and enter no queue.

The rows of a chunk find their workers in one query (``prefetch``), by the blind index of the ID number,
within the scope of whoever runs the import.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.aid.models import InvoiceUse
from gonghui.core import idnumber, pii
from gonghui.core.bulk import insert_rows
from gonghui.core.numbers import money
from gonghui.core.spreadsheets import cell_date, cell_text
from gonghui.orgs.models import Org
from gonghui.payments.models import BatchState, LineStatus, PaymentBatch, PaymentLine
from gonghui.registry.importing import Importer, Result, RowError, RowInvalid
from gonghui.registry.models import Worker

from .models import (
    ITEM_CODE,
    Claim,
    ClaimInvoice,
    Contribution,
    Enrolment,
    PlanYear,
    Product,
)
from .services.claims import INVOICE_SOURCE, normalise_invoice_number
from .services.enrolment import (
    _enrol_rows,
    _open_for_enrolment,
    _refresh_contributions,
    _renewal,
    covered_from,
    enrolment_date,
)
from .services.payments import SOURCE

HISTORY_BATCH_PREFIX = "ZFLS"
TOWN = 2 * Org.steplen  # a town's path length


def _amount(values: dict, column: str, *, required: bool = True) -> Decimal | None:
    raw = cell_text(values.get(column)).replace(",", "").replace("元", "")
    if not raw:
        if required:
            raise RowInvalid(column, "不能为空")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowInvalid(column, "应为金额数字") from None
    if not value.is_finite() or value < 0 or value > Decimal("10000000"):
        raise RowInvalid(column, "不是有效金额")
    return value.quantize(Decimal("0.01"))


def _date(values: dict, column: str, *, required: bool = True) -> dt.date | None:
    value = values.get(column)
    if cell_text(value) == "":
        if required:
            raise RowInvalid(column, "不能为空")
        return None
    try:
        return cell_date(value)
    except ValueError:
        raise RowInvalid(column, "日期格式不正确（如2015-03-01）") from None


def _masked_label(values: dict) -> str:
    raw = cell_text(values.get("身份证号"))
    return f"{cell_text(values.get('姓名'))} {pii.mask_id(raw) if len(raw) >= 15 else raw}"


class WorkerRef(NamedTuple):
    """What an import needs of a worker (read as plain values: model instances cost more than the rest)."""

    pk: int
    name: str
    org_id: int
    enterprise_id: int | None
    path: str  # of the worker's organisation


class WorkerRows(Importer):
    """Rows that name a worker of the registry by name and ID number, within the importer's scope."""

    key_column = "身份证号"

    def prefetch(self, rows: list[dict]) -> None:
        self._bidx: dict[str, str] = {}
        for values in rows:
            raw = cell_text(values.get("身份证号"))
            try:
                self._bidx[raw] = pii.blind_index(idnumber.parse(raw).value, purpose="id_number")
            except idnumber.IdNumberError:
                continue
        # by the unique blind index alone, the scope checked here: with the subtree's LIKE in the query, SQLite
        # walked the city's workers (13 s for 20,000 rows on the bench)
        self._workers = {bidx: WorkerRef(pk, name, org_id, enterprise_id, path) for
                         pk, name, org_id, enterprise_id, path, bidx in Worker.objects
                         .filter(id_bidx__in=list(self._bidx.values()))
                         .values_list("pk", "name", "org_id", "enterprise_id", "org__path", "id_bidx")
                         if path.startswith(self.scope.path)}

    def worker(self, values: dict) -> WorkerRef:
        raw = cell_text(values.get("身份证号"))
        if raw not in self._bidx:
            try:
                idnumber.parse(raw)
            except idnumber.IdNumberError as exc:
                raise RowInvalid("身份证号", str(exc)) from None
        worker = self._workers.get(self._bidx[raw])
        if worker is None:
            raise RowInvalid("身份证号", "职工档案中没有此人（或不在本单位范围内），请先导入职工名单")
        name = cell_text(values.get("姓名"))
        if worker.name != name:
            raise RowInvalid("姓名", f"姓名与职工档案（{worker.name}）不一致")
        return worker

    def label(self, values: dict) -> str:
        return _masked_label(values)

    def town_names(self, paths) -> dict[str, str]:
        return dict(Org.objects.filter(path__in=list(paths)).values_list("path", "name"))


# --- the roster of a product, dated by its plan year --------------------------------------------------------

class RosterImporter(WorkerRows):
    """An enterprise's roster for a product: name and ID number of each worker. Enrolled on the day it is
    imported, or on the date staff give with a reason (a roster received on paper earlier); cover starts
    as the plan year's rules say, shown per row in the preview."""

    kind = "ma_roster"
    columns = ["姓名", "身份证号"]
    required = ["姓名", "身份证号"]
    tables = (Enrolment, Contribution)

    def __init__(self, *, scope: Org, product=None, enrolled_on: str = "", reason: str = "", actor=None):
        super().__init__(scope=scope, actor=actor)
        self.product = Product.objects.select_related("plan_year").filter(pk=str(product or "0")).first() \
            if str(product or "").isdigit() else None
        if self.product is None:
            raise ValidationError({"product": "请选择互助项目。"})
        _open_for_enrolment(self.product)
        self.on, self.reason = enrolment_date(self.product.plan_year, enrolled_on or None, reason)
        self.starts: dict[dt.date, int] = defaultdict(int)

    def prepare(self) -> None:
        self.enrolled = set(Enrolment.objects.filter(product=self.product).values_list("worker_id", flat=True))

    def prefetch(self, rows: list[dict]) -> None:
        super().prefetch(rows)
        self.renewals = _renewal(self.product, [w.pk for w in self._workers.values()])

    def validate(self, values: dict) -> WorkerRef:
        worker = self.worker(values)
        if worker.pk not in self.enrolled:
            self.starts[covered_from(self.product, self.on, worker.pk in self.renewals)] += 1
        return worker

    def key(self, record) -> str:
        return str(record.pk)

    def preview_row(self, record: WorkerRef) -> dict:
        if record.pk in self.enrolled:
            return {"姓名": record.name, "参保日期": "已参保", "保障起始日": "—", "类型": "—"}
        renewal = record.pk in self.renewals
        return {"姓名": record.name, "参保日期": f"{self.on:%Y-%m-%d}",
                "保障起始日": f"{covered_from(self.product, self.on, renewal):%Y-%m-%d}",
                "类型": "续保（无等待期）" if renewal else "新参保"}

    def summary(self) -> list[list]:
        if not self.starts:
            return []
        return [["项目", "参保日期", "保障起始日", "新参保人数"],
                *[[str(self.product), f"{self.on:%Y-%m-%d}", f"{day:%Y-%m-%d}", n]
                  for day, n in sorted(self.starts.items())]]

    def commit(self, records: list, result: Result) -> None:
        result.updated += sum(1 for w in records if w.pk in self.enrolled)
        result.created += _enrol_rows(self.product, records, self.on, "roster", self.reason)


# --- past years: enrolments ----------------------------------------------------------------------------------

class PlanYears:
    """The plan years and their products, looked up by year and product name (or code)."""

    def __init__(self):
        self.years = {p.year: p for p in PlanYear.objects.all()}
        self.products: dict[tuple[int, str], Product] = {}
        for product in Product.objects.select_related("plan_year"):
            self.products[(product.plan_year.year, product.name)] = product
            self.products[(product.plan_year.year, product.code)] = product

    def product(self, values: dict) -> Product:
        raw = cell_text(values.get("年度")).removesuffix("年度").removesuffix("年")
        if not raw.isdigit() or int(raw) not in self.years:
            raise RowInvalid("年度", f"没有“{cell_text(values.get('年度'))}”活动年度，请先设立该年度")
        name = cell_text(values.get("项目"))
        product = self.products.get((int(raw), name))
        if product is None:
            raise RowInvalid("项目", f"{raw}年度没有“{name}”项目")
        return product


@dataclass
class EnrolmentRow:
    product: Product
    worker: WorkerRef
    enrolled_on: dt.date
    covered_from: dt.date | None
    paid: Decimal


class HistoryEnrolmentImporter(WorkerRows):
    """A past year's enrolments: 年度, 项目, 姓名, 身份证号, 参保日期, 保障起始日 (blank: by the year's rules),
    已缴互助金（元） (blank: none recorded). A worker already enrolled in the product is left as they are."""

    kind = "ma_history_enrolments"
    columns = ["年度", "项目", "姓名", "身份证号", "参保日期", "保障起始日", "已缴互助金（元）"]
    required = ["年度", "项目", "姓名", "身份证号", "参保日期"]
    tables = (Enrolment, Contribution)

    def __init__(self, *, scope: Org, actor=None):
        super().__init__(scope=scope, actor=actor)
        self.plans = PlanYears()
        self.added: dict[tuple[int, str], list] = defaultdict(lambda: [0, Decimal("0")])

    def prefetch(self, rows: list[dict]) -> None:
        super().prefetch(rows)
        self.enrolled = set(Enrolment.objects.filter(worker_id__in=[w.pk for w in self._workers.values()])
                            .values_list("product_id", "worker_id"))

    def validate(self, values: dict) -> EnrolmentRow:
        product = self.plans.product(values)
        worker = self.worker(values)
        year = product.plan_year
        enrolled_on = _date(values, "参保日期")
        if enrolled_on > year.ends_on:
            raise RowInvalid("参保日期", f"晚于{year.name}保障期结束日")
        covered = _date(values, "保障起始日", required=False)
        if covered is not None and not year.covers(covered):
            raise RowInvalid("保障起始日", f"不在{year.name}保障期内")
        paid = _amount(values, "已缴互助金（元）", required=False) or Decimal("0")
        row = EnrolmentRow(product, worker, enrolled_on, covered, paid)
        if (product.pk, worker.pk) not in self.enrolled:
            totals = self.added[(year.year, worker.path[:TOWN])]
            totals[0] += 1
            totals[1] += paid
        return row

    def key(self, record: EnrolmentRow) -> str:
        return f"{record.product.pk}/{record.worker.pk}"

    def summary(self) -> list[list]:
        if not self.added:
            return []
        names = self.town_names({town for _, town in self.added})
        rows = [["年度", "镇街", "新增参保人次", "已缴互助金（元）"]]
        for (year, town), (n, paid) in sorted(self.added.items()):
            rows.append([f"{year}年度", names.get(town, town), n, money(paid)])
        by_year: dict[int, list] = defaultdict(lambda: [0, Decimal("0")])
        for (year, _), (n, paid) in self.added.items():
            by_year[year][0] += n
            by_year[year][1] += paid
        rows += [[f"{year}年度", "合计", n, money(paid)] for year, (n, paid) in sorted(by_year.items())]
        return rows

    def commit(self, records: list[EnrolmentRow], result: Result) -> None:
        fresh = [r for r in records if (r.product.pk, r.worker.pk) not in self.enrolled]
        result.updated += len(records) - len(fresh)
        by_product: dict[int, list[EnrolmentRow]] = defaultdict(list)
        for row in fresh:
            by_product[row.product.pk].append(row)
        now = timezone.now()
        for rows in by_product.values():
            product = rows[0].product
            renewals = _renewal(product, [r.worker.pk for r in rows])
            insert_rows(Enrolment, ["product", "worker", "enterprise", "org", "enrolled_on", "covered_from",
                                    "renewal", "source", "date_reason", "created_at"],
                        [(product.pk, r.worker.pk, r.worker.enterprise_id, r.worker.org_id, r.enrolled_on,
                          r.covered_from or covered_from(product, r.enrolled_on, r.worker.pk in renewals),
                          r.worker.pk in renewals, "history", "", now) for r in rows])
            paid: dict[int, Decimal] = defaultdict(Decimal)
            for r in rows:
                if r.worker.enterprise_id:
                    paid[r.worker.enterprise_id] += r.paid
            _refresh_contributions(product, {r.worker.enterprise_id for r in rows if r.worker.enterprise_id}, paid)
            self.enrolled.update((product.pk, r.worker.pk) for r in rows)
        result.created += len(fresh)


# --- past years: settled claims ------------------------------------------------------------------------------

CLAIM_COLUMNS = ["报销编号", "年度", "项目", "姓名", "身份证号", "医院", "入院日期", "出院日期", "诊断",
                 "发票号码", "发票金额（元）", "医保范围内费用（元）", "补助金额（元）", "发放日期", "银行流水号"]
CLAIM_FIELDS = ["年度", "项目", "姓名", "身份证号", "医院", "入院日期", "出院日期", "诊断", "补助金额（元）",
                "发放日期", "银行流水号"]  # the claim's own: the same on every invoice row of one 报销编号


@dataclass
class InvoiceRow:
    number: str
    amount: Decimal
    eligible: Decimal
    row: int = 0


@dataclass
class PastClaim:
    external: str
    product: Product
    worker: WorkerRef
    hospital: str
    admitted_on: dt.date
    discharged_on: dt.date
    diagnosis: str
    subsidy: Decimal
    paid_on: dt.date
    bank_reference: str
    invoices: list[InvoiceRow] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


class HistoryClaimImporter(WorkerRows):
    """A past year's settled claims, one row per invoice (the claim's columns repeated on each of its rows).
    A claim any of whose rows is wrong is not imported at all (its other rows are reported too); a claim
    number already imported is skipped, so a re-import adds nothing."""

    kind = "ma_history_claims"
    columns = CLAIM_COLUMNS
    required = [*CLAIM_COLUMNS[:13], "发放日期"]
    key_column = "发票号码"
    tables = (Claim, ClaimInvoice, PaymentLine)

    def __init__(self, *, scope: Org, actor=None):
        super().__init__(scope=scope, actor=actor)
        if actor is None:
            raise ValidationError("导入历史报销须指定操作人（命令行用 --user）：补助金发放记录要记在其名下。")
        self.plans = PlanYears()
        self.claims: dict[str, PastClaim] = {}
        self.first_values: dict[str, dict] = {}
        self.invoice_rows: dict[str, int] = {}
        self.bad: set[str] = set()
        self.done: set[str] = set()
        self.skipped_rows = 0
        self.row_no = 0

    def prefetch(self, rows: list[dict]) -> None:
        super().prefetch(rows)
        externals = {cell_text(v.get("报销编号")) for v in rows} - {""}
        self.done |= set(Claim.objects.filter(external_number__in=externals).values_list("external_number", flat=True))
        numbers = {normalise_invoice_number(cell_text(v.get("发票号码"))) for v in rows}
        self.taken = dict(ClaimInvoice.objects.filter(reserved=True, number__in=numbers)
                          .values_list("number", "claim__case__number"))
        self.taken.update(InvoiceUse.objects.filter(active=True, number__in=numbers)  # another programme's
                          .exclude(number__in=self.taken).values_list("number", "reference"))
        self.enrolled = set(Enrolment.objects.filter(worker_id__in=[w.pk for w in self._workers.values()])
                            .values_list("product_id", "worker_id"))

    def records(self, data, filename, result, progress=None):
        """Every row validated first (a claim is whole or not at all), then one record per good claim."""
        rows = list(super().records(data, filename, result, progress))
        result.updated += self.skipped_rows
        if self.bad:
            for number in sorted(self.bad):
                claim = self.claims.pop(number, None)
                if claim is None:
                    continue
                for row in claim.rows:
                    result.errors.append(RowError(row, "报销编号", f"报销编号{number}的其他行有错误，整笔未导入",
                                                  f"{claim.worker.name}"))
                    result.good -= 1
            result.errors.sort(key=lambda e: e.row)
        self.preview = [p for p in self.preview if p.get("报销编号") not in self.bad]
        del rows
        for claim in self.claims.values():
            yield claim.rows[0], claim

    def validate(self, values: dict):
        number = cell_text(values.get("报销编号"))
        try:
            return self._validate(number, values)
        except RowInvalid:
            if number:
                self.bad.add(number)
            raise

    def _validate(self, number: str, values: dict):
        if not number:
            raise RowInvalid("报销编号", "不能为空（总工会原台账的报销编号）")
        if len(number) > 40:
            raise RowInvalid("报销编号", "不能超过40个字符")
        invoice_no = normalise_invoice_number(cell_text(values.get("发票号码")))
        if not 6 <= len(invoice_no) <= 40:
            raise RowInvalid("发票号码", "应为6至40位数字或字母")
        amount, eligible = _amount(values, "发票金额（元）"), _amount(values, "医保范围内费用（元）")
        if eligible > amount:
            raise RowInvalid("医保范围内费用（元）", "不能大于发票金额")
        first = self.first_values.get(number)
        if first is not None:
            for column in CLAIM_FIELDS:
                mine = cell_text(values.get(column))
                if mine and mine != cell_text(first.get(column)):
                    raise RowInvalid(column, f"与同一报销编号的第一行不一致（{cell_text(first.get(column))}）")
        if invoice_no in self.invoice_rows:
            raise RowInvalid("发票号码", f"与第{self.invoice_rows[invoice_no]}行重复")
        self.invoice_rows[invoice_no] = self.row_no
        invoice = InvoiceRow(invoice_no, amount, eligible, self.row_no)
        if number in self.done:  # imported before: nothing to add
            self.skipped_rows += 1
            return invoice, number
        if invoice_no in self.taken:
            raise RowInvalid("发票号码", f"已被报销申请{self.taken[invoice_no]}使用，不能重复报销")
        claim = self.claims.get(number)
        if claim is None:
            claim = self._claim(number, values)
            self.first_values[number] = values
            self.claims[number] = claim
        claim.invoices.append(invoice)
        claim.rows.append(self.row_no)
        return invoice, number

    def _claim(self, number: str, values: dict) -> PastClaim:
        product = self.plans.product(values)
        worker = self.worker(values)
        year = product.plan_year
        if (product.pk, worker.pk) not in self.enrolled:
            raise RowInvalid("项目", f"该职工未参加{product}，请先导入该年度的参保名单")
        admitted, discharged = _date(values, "入院日期"), _date(values, "出院日期")
        if admitted > discharged:
            raise RowInvalid("入院日期", "不能晚于出院日期")
        if not year.covers(discharged):
            raise RowInvalid("出院日期", f"不在{year.name}保障期内")
        subsidy = _amount(values, "补助金额（元）")
        if subsidy <= 0:
            raise RowInvalid("补助金额（元）", "应大于0")
        paid_on = _date(values, "发放日期")
        if paid_on < discharged:
            raise RowInvalid("发放日期", "不能早于出院日期")
        if paid_on > timezone.localdate():
            raise RowInvalid("发放日期", "不能晚于今天")
        hospital = cell_text(values.get("医院"))[:60]
        if not hospital:
            raise RowInvalid("医院", "不能为空")
        return PastClaim(number, product, worker, hospital, admitted, discharged,
                         cell_text(values.get("诊断"))[:60], subsidy, paid_on,
                         cell_text(values.get("银行流水号"))[:60])

    def key(self, record) -> str:
        invoice, number = record
        return f"{number}/{invoice.row}"  # repeats are found in ``_validate``, where the claim learns of them

    def preview_row(self, record) -> dict:
        invoice, number = record
        claim = self.claims.get(number)
        if claim is None:
            return {"报销编号": number, "职工": "已导入", "项目": "—", "出院日期": "—", "发票号码": invoice.number,
                    "补助金额（元）": "—", "发放日期": "—"}
        return {"报销编号": number, "职工": claim.worker.name, "项目": str(claim.product),
                "出院日期": f"{claim.discharged_on:%Y-%m-%d}", "发票号码": invoice.number,
                "补助金额（元）": money(claim.subsidy), "发放日期": f"{claim.paid_on:%Y-%m-%d}"}

    def summary(self) -> list[list]:
        good = [c for number, c in self.claims.items() if number not in self.bad]
        if not good:
            return []
        totals: dict[tuple[int, str], list] = defaultdict(lambda: [0, 0, Decimal("0")])
        for claim in good:
            t = totals[(claim.product.plan_year.year, claim.worker.path[:TOWN])]
            t[0] += 1
            t[1] += len(claim.invoices)
            t[2] += claim.subsidy
        names = self.town_names({town for _, town in totals})
        rows = [["年度", "镇街", "新增已发放报销（笔）", "发票（张）", "补助金额（元）"]]
        rows += [[f"{year}年度", names.get(town, town), n, k, money(s)]
                 for (year, town), (n, k, s) in sorted(totals.items())]
        by_year: dict[int, list] = defaultdict(lambda: [0, 0, Decimal("0")])
        for (year, _), (n, k, s) in totals.items():
            by_year[year][0] += n
            by_year[year][1] += k
            by_year[year][2] += s
        rows += [[f"{year}年度", "合计", n, k, money(s)] for year, (n, k, s) in sorted(by_year.items())]
        return rows

    def commit(self, records: list[PastClaim], result: Result) -> None:
        from gonghui.cases import services as cases
        from gonghui.cases.models import ServiceItem

        item = ServiceItem.objects.get(code=ITEM_CODE)
        fresh = [c for c in records if c.external not in self.done]
        result.updated += sum(len(c.invoices) for c in records if c.external in self.done)
        if not fresh:
            return
        midnight = dt.time(0)
        paid_at = {c.external: timezone.make_aware(dt.datetime.combine(c.paid_on, midnight)) for c in fresh}
        past = [cases.PastCase(
            applicant_id=c.worker.pk, org_path=c.worker.path, state="fulfilled", closed_at=paid_at[c.external],
            year=c.product.plan_year.year,
            note="历史数据导入（补助金已发放）",
            form={"product": c.product.name, "hospital": c.hospital, "admitted_on": c.admitted_on.isoformat(),
                  "discharged_on": c.discharged_on.isoformat(), "diagnosis": c.diagnosis})
            for c in fresh]
        saved = cases.past_cases_record(actor=self.actor, item=item, past=past)
        claims = [Claim(case=case, product=c.product, subsidy=c.subsidy, discharged_on=c.discharged_on,
                        external_number=c.external, paid_at=paid_at[c.external],
                        working=[f"历史导入：原报销编号{c.external}，补助金额按原台账{money(c.subsidy)}元"])
                  for case, c in zip(saved, fresh, strict=True)]
        Claim.objects.bulk_create(claims, batch_size=1000)
        ClaimInvoice.objects.bulk_create([
            ClaimInvoice(claim=claim, number=i.number, hospital=c.hospital, issued_on=c.discharged_on,
                         amount=i.amount, eligible=i.eligible, eligible_claimed=i.eligible, reserved=True)
            for claim, c in zip(claims, fresh, strict=True) for i in c.invoices], batch_size=1000)
        InvoiceUse.objects.bulk_create([
            InvoiceUse(number=i.number, source=INVOICE_SOURCE, programme="医疗互助", object_id=claim.pk,
                       case_id=case.pk, reference=case.number)
            for claim, case, c in zip(claims, saved, fresh, strict=True) for i in c.invoices], batch_size=1000)
        batches = self._batches({c.product.plan_year for c in fresh})
        empty = pii.encrypt("", field="bank_card")
        PaymentLine.objects.bulk_create([
            PaymentLine(batch=batches[c.product.plan_year.pk], source=SOURCE, object_id=claim.pk,
                        org_id=case.org_id, case_id=case.pk, reference=case.number, purpose="医疗互助补助金",
                        payee=c.worker.name, bank_name="", account_enc=empty, account_last4="", amount=c.subsidy,
                        status=LineStatus.PAID, bank_reference=c.bank_reference, settled_at=paid_at[c.external])
            for claim, case, c in zip(claims, saved, fresh, strict=True)], batch_size=1000)
        for year_pk, batch in batches.items():
            mine = [c for c in fresh if c.product.plan_year.pk == year_pk]
            batch.count += len(mine)
            batch.total += sum((c.subsidy for c in mine), Decimal("0"))
            PaymentBatch.objects.filter(pk=batch.pk).update(count=batch.count, total=batch.total)
        self.done |= {c.external for c in fresh}
        result.created += len(fresh)

    def _batches(self, years) -> dict[int, PaymentBatch]:
        """One history batch per plan year and import (the payments of a past year, already settled)."""
        from gonghui.core import numbering

        if not hasattr(self, "_history_batches"):
            self._history_batches: dict[int, PaymentBatch] = {}
        for year in years:
            if year.pk not in self._history_batches:
                self._history_batches[year.pk] = PaymentBatch.objects.create(
                    number=numbering.next_number(HISTORY_BATCH_PREFIX, year.year), org=self.scope,
                    source=SOURCE, tag=str(year.year), history=True, state=BatchState.CLOSED, created_by=self.actor,
                    created_at=timezone.now())
        return self._history_batches

