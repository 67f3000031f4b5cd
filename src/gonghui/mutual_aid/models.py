"""Medical mutual aid (医疗互助): plan years and their products, enrolments and contributions, claims
(cases of the ``mutual_aid_claim`` service item, with their invoices), payment batches.

Invariants:

- a product's benefit rules are data of its plan year (``Product.rules``); a claim is valued by the
  rules of the plan year its hospital stay falls in — editing next year's rules changes no earlier claim;
- an invoice number is reserved by one submitted claim at a time (``ClaimInvoice.reserved`` with a
  partial unique constraint): the same invoice claimed twice, at the same moment or a year apart, is
  refused by the database itself;
- a claim is in at most one pending or paid payment line (partial unique constraint): it cannot be put in
  two batches, and a paid claim is never paid again; after a failed payment it may go in a new batch.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gonghui.cases.models import Case
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import ScopedQuerySet
from gonghui.registry.models import Enterprise, Worker

ITEM_CODE = "mutual_aid_claim"  # the service item of a claim (apps.CLAIM_ITEM)
PERM_MANAGE = "mutual_aid.manage_mutual_aid"
PERM_PAY = "payments.manage_payments"  # finance: the shared payment batches (gonghui.payments)
PERM_ENROL = "registry.import_registry"  # who may load a roster may enrol its workers
PERM_ADMIN = "mutual_aid.administer_plan_years"  # held at the city: plan years, products, rules, exceptions


class LateCover(models.TextChoices):
    NEXT_DAY = "next_day", "参保次日起"
    NEXT_MONTH = "next_month", "参保次月1日起"


class PlanYear(models.Model):
    """A plan year. Enrolment belongs to it: a worker enrolled by the close of the enrolment window is
    covered from the year's start (a new enrolee after the product's waiting period, a renewal at once);
    one enrolled later is covered from the day ``late_cover`` says (and the waiting period). Claims close at
    ``claim_deadline``; after it a claim needs a ``LateClaimException``. A closed year (``closed_at``) takes
    no more enrolments, contribution entries or rule changes."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=40)
    starts_on = models.DateField("保障期开始")
    ends_on = models.DateField("保障期结束")
    enrol_opens = models.DateField("参保开始")
    enrol_closes = models.DateField("参保截止")
    claim_deadline = models.DateField("报销申请截止", help_text="此日之后提交的申请失效（如次年3月31日）")
    late_cover = models.CharField("逾期参保保障起始", max_length=12, choices=LateCover.choices,
                                  default=LateCover.NEXT_DAY)
    example = models.BooleanField("示例数据", default=True,
                                  help_text="随系统提供的示例规则，须由总工会按本地办法替换")
    closed_at = models.DateTimeField("年度关闭时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = "活动年度"
        verbose_name_plural = "活动年度"
        ordering = ["-year"]
        permissions = [("manage_mutual_aid", "管理医疗互助（参保、缴费）"),
                       ("administer_plan_years", "设置活动年度、项目和补助规则，批准逾期申请")]

    def __str__(self) -> str:
        return self.name

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class Payer(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    UNION = "union", "工会"
    FINANCE = "finance", "财政"
    WORKER = "worker", "职工个人"


class Product(models.Model):
    """One product of a plan year (inpatient aid, serious illness, women's special diseases …).

    ``rules`` (see ``calculation.py``)::

        {"kind": "share", "base": "insured", "deductible": "0",
         "bands": [{"upto": null, "rate": "0.13"}], "cap_per_claim": null, "cap_per_period": "50000"}
        {"kind": "fixed", "conditions": [{"code": "cancer", "name": "…", "amount": "6000"}], "cap_per_period": "6000"}

    ``rules`` hold from the year's start; a later change is a ``RuleChange`` from a date, and a stay is valued
    by the rules in force on its discharge date (``rules_on``).
    """

    plan_year = models.ForeignKey(PlanYear, verbose_name="年度", on_delete=models.CASCADE, related_name="products")
    code = models.SlugField("编码", max_length=30)
    name = models.CharField("名称", max_length=40)
    contribution = models.DecimalField("每人缴费（元）", max_digits=8, decimal_places=2)
    payers = models.JSONField("缴费分担", default=dict, blank=True, help_text='如 {"enterprise": "36"}')
    waiting_days = models.PositiveSmallIntegerField("新参保等待期（天）", default=0)
    rules = models.JSONField("补助规则")
    rules_note = models.CharField("规则说明", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=10)

    class Meta:
        verbose_name = "互助项目"
        verbose_name_plural = "互助项目"
        ordering = ["plan_year", "order"]
        constraints = [models.UniqueConstraint(fields=["plan_year", "code"], name="product_unique")]

    def __str__(self) -> str:
        return f"{self.plan_year.name}{self.name}"

    def rules_on(self, day) -> tuple[dict, RuleChange | None]:
        """The rules in force on ``day`` and the change that set them (None: the year's own rules)."""
        change = self.rule_changes.filter(effective_from__lte=day).order_by("-effective_from").first()
        return (change.rules, change) if change else (self.rules, None)


class RuleChange(models.Model):
    """A change of a product's benefit rules from a date. Claims of stays before that date keep the rules
    they were (or will be) valued by; a change may not reach back over a stay already valued."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="rule_changes")
    effective_from = models.DateField("生效日期")
    rules = models.JSONField("补助规则")
    note = models.CharField("变更说明", max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "补助规则变更"
        verbose_name_plural = "补助规则变更"
        ordering = ["product", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["product", "effective_from"], name="rule_change_unique")]

    def __str__(self) -> str:
        return f"{self.product} {self.effective_from}"


class LateClaimException(models.Model):
    """Permission, granted by a plan-year administrator with a reason, for one worker to claim after the
    plan year's claim deadline; used by one claim (``case``)."""

    plan_year = models.ForeignKey(PlanYear, on_delete=models.PROTECT, related_name="late_exceptions")
    worker = models.ForeignKey(Worker, verbose_name="职工", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("理由", max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    case = models.OneToOneField(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "逾期申请例外"
        verbose_name_plural = "逾期申请例外"
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.plan_year} {self.worker_id}"


class EnrolmentQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class Enrolment(models.Model):
    product = models.ForeignKey(Product, verbose_name="项目", on_delete=models.PROTECT, related_name="enrolments")
    worker = models.ForeignKey(Worker, verbose_name="职工", on_delete=models.PROTECT, related_name="enrolments")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, null=True,
                                   related_name="+")
    org = models.ForeignKey(Org, verbose_name="所属组织", on_delete=models.PROTECT, related_name="+")
    enrolled_on = models.DateField("参保日期")
    covered_from = models.DateField("保障起始日")
    renewal = models.BooleanField("续保", default=False)
    source = models.CharField("来源", max_length=10, default="roster")  # roster, picked, history
    date_reason = models.CharField("参保日期说明", max_length=200, blank=True,
                                   help_text="工作人员指定参保日期（如纸质花名册早于系统上传）的理由")
    created_at = models.DateTimeField(default=timezone.now)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = "参保"
        verbose_name_plural = "参保"
        constraints = [models.UniqueConstraint(fields=["product", "worker"], name="enrolment_unique")]
        indexes = [models.Index(fields=["worker", "product"], name="enrolment_worker")]

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.product_id}"


class ContributionQuerySet(ScopedQuerySet):
    scope_field = "enterprise__org__path"


class Contribution(models.Model):
    """What an enterprise owes for its enrolled workers in a product, and whether it has paid."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="contributions")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    persons = models.PositiveIntegerField("人数", default=0)
    amount_due = models.DecimalField("应缴（元）", max_digits=12, decimal_places=2, default=Decimal("0"))
    amount_paid = models.DecimalField("已缴（元）", max_digits=12, decimal_places=2, default=Decimal("0"))
    paid_on = models.DateField("缴费日期", null=True, blank=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = "缴费"
        verbose_name_plural = "缴费"
        constraints = [models.UniqueConstraint(fields=["product", "enterprise"], name="contribution_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.amount_paid}/{self.amount_due}"

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount_due - self.amount_paid, Decimal("0"))


class ClaimQuerySet(ScopedQuerySet):
    scope_field = "case__org__path"  # placed in the tree by the case's handling organisation


class Claim(models.Model):
    """The mutual-aid side of a claim case: which product, the stay, the computed subsidy."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="claim")
    product = models.ForeignKey(Product, verbose_name="项目", on_delete=models.PROTECT, related_name="claims",
                                null=True, blank=True)  # known once the stay's dates place it in a plan year
    subsidy = models.DecimalField("补助金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    working = models.JSONField("计算过程", default=list, blank=True)
    rule_change = models.ForeignKey(RuleChange, verbose_name="所用规则", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")  # None: the year's own rules
    discharged_on = models.DateField("出院日期", null=True, blank=True)  # the stay's month in the figures
    external_number = models.CharField("原报销编号", max_length=40, null=True, blank=True, unique=True,
                                       help_text="历史导入：总工会原系统或台账中的报销编号")
    payment_problem = models.CharField("支付失败原因", max_length=200, blank=True)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = "报销申请"
        verbose_name_plural = "报销申请"

    def __str__(self) -> str:
        return self.case.number


class ClaimInvoice(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField("发票号码", max_length=40)
    hospital = models.CharField("医院", max_length=60)
    issued_on = models.DateField("结算日期")
    amount = models.DecimalField("发票金额（元）", max_digits=10, decimal_places=2)
    eligible = models.DecimalField("医保范围内费用（元）", max_digits=10, decimal_places=2,
                                   help_text="医保范围内（或规则所指）的金额")
    eligible_claimed = models.DecimalField("申请人填报的医保范围内费用", max_digits=10, decimal_places=2)
    correction_reason = models.CharField("审核更正理由", max_length=200, blank=True)
    reserved = models.BooleanField("已占用", default=False)

    class Meta:
        verbose_name = "发票"
        verbose_name_plural = "发票"
        ordering = ["issued_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["number"], condition=Q(reserved=True),
                                               name="invoice_claimed_once")]

    def __str__(self) -> str:
        return self.number



