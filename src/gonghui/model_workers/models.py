"""Model workers (劳模): the register, managed at two levels, and their benefits ledger.

- A model worker is a person of the registry (``Worker``: a retired model worker outside it is added to it,
  without an enterprise, when registered here) with their honour: title, level, year, awarding body. Their
  managing unit (``org``: a town union or a sector union) manages them at the second level; the city,
  whose subtree holds every unit, at the first. Scoping is by that unit's path.
- Honour allowances: ``AllowanceRate`` (per level and working/retired, from a date) is data; the monthly
  run (``AllowanceRun``) writes one ``AllowanceLine`` per person entitled in the month, pro rata for part
  months; a reviewed run's lines are the payable rows of the shared payment batches.
- Hospital-cost subsidy: a case (``mw_hospital``) with the shared medical invoices (gonghui.aid), valued by
  ``SubsidyRule`` (share of self-paid costs and yearly cap by level); its ``Subsidy`` is paid by batch.
- Condolence visits, health checks (``CheckRule``: every N years by level; results encrypted, seen only by
  the managing staff) and recuperation groups (places per unit, who went).

Figures in the rules are examples from ``shared/domain/RULES.md``, replaced by the federation's own in the
admin.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from gonghui.cases.models import Case
from gonghui.core import pii
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import ScopedQuerySet
from gonghui.registry.models import Worker

HOSPITAL_ITEM = "mw_hospital"
PERM_MANAGE = "model_workers.manage_model_workers"


class Level(models.TextChoices):
    NATIONAL = "national", "全国级"
    PROVINCIAL = "provincial", "省部级"
    CITY = "city", "市级"


LEVEL_ORDER = {Level.NATIONAL: 0, Level.PROVINCIAL: 1, Level.CITY: 2}


class Title(models.Model):
    """An honour's name (劳动模范, 先进工作者, 五一劳动奖章 …), as data."""

    name = models.CharField("称号", max_length=40, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "荣誉称号"
        verbose_name_plural = "荣誉称号"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class ModelWorkerQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class ModelWorker(models.Model):
    worker = models.OneToOneField(Worker, verbose_name="人员", on_delete=models.PROTECT, related_name="model_worker")
    title = models.ForeignKey(Title, verbose_name="称号", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("级别", max_length=12, choices=Level.choices, db_index=True)
    year_awarded = models.PositiveSmallIntegerField("授予年份")
    awarding_body = models.CharField("授予机关", max_length=60)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    retired_on = models.DateField("退休日期", null=True, blank=True)
    died_on = models.DateField("去世日期", null=True, blank=True)
    org = models.ForeignKey(Org, verbose_name="管理单位", on_delete=models.PROTECT, related_name="+",
                            help_text="镇街工会或产业（系统）工会；市总工会管理全部")
    certificate = models.CharField("证书扫描件", max_length=200, blank=True)
    certificate_name = models.CharField(max_length=100, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ModelWorkerQuerySet.as_manager()

    class Meta:
        verbose_name = "劳模"
        verbose_name_plural = "劳模"
        ordering = ["pk"]
        permissions = [("manage_model_workers", "劳模管理（本单位管理的劳模）")]
        indexes = [models.Index(fields=["org", "level"], name="model_worker_org_level")]

    def __str__(self) -> str:
        return self.worker.name

    @property
    def name(self) -> str:
        return self.worker.name

    def status_on(self, day: dt.date) -> str:
        if self.died_on and self.died_on <= day:
            return "deceased"
        if self.retired_on and self.retired_on <= day:
            return "retired"
        return "working"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status_on(timezone.localdate())]


STATUS_LABELS = {"working": "在职", "retired": "退休", "deceased": "已故"}


class AllowanceRate(models.Model):
    """The honour allowance a month for a level and status, from a date (a later row replaces it)."""

    level = models.CharField("级别", max_length=12, choices=Level.choices)
    retired = models.BooleanField("退休", default=True)
    monthly = models.DecimalField("每月（元）", max_digits=8, decimal_places=2)
    effective_from = models.DateField("起始日期")

    class Meta:
        verbose_name = "荣誉津贴标准"
        verbose_name_plural = "荣誉津贴标准"
        ordering = ["level", "retired", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["level", "retired", "effective_from"],
                                               name="allowance_rate_once")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{'退休' if self.retired else '在职'} {self.monthly}元/月"


class RunState(models.TextChoices):
    DRAFT = "draft", "待复核"
    RELEASED = "released", "已复核，可支付"


class AllowanceRun(models.Model):
    month = models.DateField("月份", unique=True)  # the first day of the month
    state = models.CharField("状态", max_length=10, choices=RunState.choices, default=RunState.DRAFT)
    count = models.PositiveIntegerField("人数", default=0)
    total = models.DecimalField("合计（元）", max_digits=12, decimal_places=2, default=Decimal("0"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    run_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "荣誉津贴月度发放表"
        verbose_name_plural = "荣誉津贴月度发放表"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}"


class LineQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class AllowanceLine(models.Model):
    run = models.ForeignKey(AllowanceRun, on_delete=models.CASCADE, related_name="lines")
    model_worker = models.ForeignKey(ModelWorker, on_delete=models.PROTECT, related_name="allowances")
    month = models.DateField("月份")
    org = models.ForeignKey(Org, verbose_name="管理单位", on_delete=models.PROTECT, related_name="+")
    monthly = models.DecimalField("月标准（元）", max_digits=8, decimal_places=2)
    days = models.PositiveSmallIntegerField("享受天数")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    working = models.CharField("计算", max_length=200)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    payment_problem = models.CharField("支付失败原因", max_length=200, blank=True)

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = "荣誉津贴"
        verbose_name_plural = "荣誉津贴"
        ordering = ["month", "pk"]
        constraints = [models.UniqueConstraint(fields=["model_worker", "month"], name="allowance_once_a_month")]

    def __str__(self) -> str:
        return f"{self.model_worker} {self.month:%Y-%m}"


class SubsidyRule(models.Model):
    """The hospital-cost subsidy of a level from a year: a share of the self-paid costs, capped yearly."""

    level = models.CharField("级别", max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField("起始年度")
    share = models.DecimalField("补助比例（%）", max_digits=5, decimal_places=2)
    yearly_cap = models.DecimalField("年度封顶（元）", max_digits=10, decimal_places=2)
    retired_only = models.BooleanField("仅限退休劳模", default=True)

    class Meta:
        verbose_name = "医疗补助标准"
        verbose_name_plural = "医疗补助标准"
        ordering = ["level", "year"]
        constraints = [models.UniqueConstraint(fields=["level", "year"], name="subsidy_rule_once")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.share}% 封顶{self.yearly_cap}元（{self.year}年起）"


class SubsidyQuerySet(ScopedQuerySet):
    scope_field = "case__org__path"


class Subsidy(models.Model):
    """What an approved hospital-cost claim pays (through the shared payment batches)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="mw_subsidy")
    model_worker = models.ForeignKey(ModelWorker, on_delete=models.PROTECT, related_name="subsidies")
    year = models.PositiveSmallIntegerField("年度")
    self_paid = models.DecimalField("自付费用（元）", max_digits=10, decimal_places=2)
    amount = models.DecimalField("补助金额（元）", max_digits=10, decimal_places=2)
    working = models.JSONField("计算过程", default=list)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    payment_problem = models.CharField("支付失败原因", max_length=200, blank=True)

    objects = SubsidyQuerySet.as_manager()

    class Meta:
        verbose_name = "劳模医疗补助"
        verbose_name_plural = "劳模医疗补助"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.case.number


class ByWorkerQuerySet(ScopedQuerySet):
    scope_field = "model_worker__org__path"


class Visit(models.Model):
    """A condolence visit (慰问) to a model worker in hardship or illness: who, when, why, how much."""

    model_worker = models.ForeignKey(ModelWorker, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField("慰问日期")
    visitors = models.CharField("慰问人", max_length=100)
    reason = models.CharField("慰问原因", max_length=200)
    amount = models.DecimalField("慰问金（元）", max_digits=10, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ByWorkerQuerySet.as_manager()

    class Meta:
        verbose_name = "劳模慰问"
        verbose_name_plural = "劳模慰问"
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.model_worker} {self.visited_on}"


class CheckRule(models.Model):
    level = models.CharField("级别", max_length=12, choices=Level.choices, unique=True)
    every_years = models.PositiveSmallIntegerField("每几年一次", default=2)

    class Meta:
        verbose_name = "健康体检周期"
        verbose_name_plural = "健康体检周期"

    def __str__(self) -> str:
        return f"{self.get_level_display()}每{self.every_years}年"


class HealthCheck(models.Model):
    """A health check; the result is health data (encrypted, shown only to the managing staff, audited)."""

    model_worker = models.ForeignKey(ModelWorker, on_delete=models.PROTECT, related_name="checks")
    checked_on = models.DateField("体检日期")
    hospital = models.CharField("体检机构", max_length=60)
    result_enc = models.BinaryField("体检结论（密文）")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ByWorkerQuerySet.as_manager()

    class Meta:
        verbose_name = "劳模健康体检"
        verbose_name_plural = "劳模健康体检"
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.model_worker} {self.checked_on}"

    def result(self) -> str:
        return pii.decrypt(self.result_enc, field="health")


class RecuperationGroup(models.Model):
    name = models.CharField("疗休养团组", max_length=60)
    starts_on = models.DateField("出发日期")
    days = models.PositiveSmallIntegerField("天数", default=7)
    destination = models.CharField("疗休养地", max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "劳模疗休养团组"
        verbose_name_plural = "劳模疗休养团组"
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class RecuperationPlace(models.Model):
    group = models.ForeignKey(RecuperationGroup, on_delete=models.CASCADE, related_name="places")
    org = models.ForeignKey(Org, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    places = models.PositiveSmallIntegerField("名额")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "org"], name="recuperation_place_once")]

    def __str__(self) -> str:
        return f"{self.group} {self.org_id}: {self.places}"


class Recuperant(models.Model):
    group = models.ForeignKey(RecuperationGroup, on_delete=models.CASCADE, related_name="members")
    model_worker = models.ForeignKey(ModelWorker, on_delete=models.PROTECT, related_name="recuperations")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ByWorkerQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["group", "model_worker"], name="recuperant_once")]

    def __str__(self) -> str:
        return f"{self.group} {self.model_worker}"
