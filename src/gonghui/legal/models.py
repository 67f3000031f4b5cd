"""Legal services' own data beside the case engine's cases: the clients of a legal-aid case (a group case
has several, each with their own amounts), the stages a lawyer records, and the lawyers' rewards.

The application itself — the claim, the opposing party, the amount at stake, the materials — is the case's
form and attachments; its states and clocks are the ``legal_aid`` workflow's (handler.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from gonghui.cases.models import Case
from gonghui.orgs.scoping import ScopedQuerySet
from gonghui.registry.models import Worker


class StageKind(models.TextChoices):
    NEGOTIATION = "negotiation", "协商"
    MEDIATION = "mediation", "调解"
    ARBITRATION = "arbitration", "劳动仲裁"
    FIRST_INSTANCE = "first", "一审"
    SECOND_INSTANCE = "second", "二审"
    ENFORCEMENT = "enforcement", "执行"


class Outcome(models.TextChoices):
    SETTLED = "settled", "协商和解"
    MEDIATED = "mediated", "调解结案"
    AWARDED = "awarded", "仲裁裁决"
    JUDGED = "judged", "法院判决"
    ENFORCED = "enforced", "执行完毕"
    LOST = "lost", "请求未获支持"
    ENDED = "ended", "终止援助"


class CaseScopedQuerySet(ScopedQuerySet):
    """Rows of a case, seen by whoever sees the case: the handling organisation's subtree or the partner
    assigned to it."""

    scope_field = "case__org__path"

    def assigned_to(self, user):
        return self.model.objects.filter(case__in=Case.objects.assigned_to(user)).values("pk")


class AidClient(models.Model):
    """A worker a legal-aid case represents: the applicant (``lead``), and in a group case the co-workers
    with the same claim against the same employer, each with their own amounts."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aid_clients")
    worker = models.ForeignKey(Worker, verbose_name="受援人", on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField("申请人", default=False)
    claimed = models.DecimalField("请求金额", max_digits=12, decimal_places=2, default=Decimal("0"))
    awarded = models.DecimalField("确认金额", max_digits=12, decimal_places=2, null=True, blank=True)
    recovered = models.DecimalField("实际追回", max_digits=12, decimal_places=2, null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "受援人"
        verbose_name_plural = "受援人"
        ordering = ["-lead", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "worker"], name="aid_client_once")]
        permissions = [("represent", "作为指派律师承办法律援助案件")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.worker_id}"


class AidStage(models.Model):
    """A stage of the lawyer's work on a case (negotiation … enforcement), with its dates and what came of
    it; its documents are the case's attachments of the material ``lawyer_docs``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aid_stages")
    kind = models.CharField("阶段", max_length=12, choices=StageKind.choices)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    result = models.CharField("结果", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "办案阶段"
        verbose_name_plural = "办案阶段"
        ordering = ["started_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="aid_stage_once")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_kind_display()}"


class RewardScheme(models.Model):
    """How the union rewards the lawyers (data; the shipped row is Foshan's published figures, an example):
    per case for its first stage, for each later stage, for each client beyond the first, and per half-day
    on duty at a union desk. The scheme in force on the day a case closes applies."""

    name = models.CharField("名称", max_length=100)
    effective_from = models.DateField("起用日期", unique=True)
    first_stage = models.DecimalField("首个阶段（元/件）", max_digits=10, decimal_places=2)
    later_stage = models.DecimalField("其后每个阶段（元）", max_digits=10, decimal_places=2)
    extra_client = models.DecimalField("每增加一名受援人（元）", max_digits=10, decimal_places=2)
    duty_half_day = models.DecimalField("值班（元/半天）", max_digits=10, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "律师补贴标准"
        verbose_name_plural = "律师补贴标准"
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from:%Y-%m-%d}起）"


class Half(models.TextChoices):
    AM = "am", "上午"
    PM = "pm", "下午"


class DutySlotQuerySet(ScopedQuerySet):
    scope_field = "centre__org__path"


class DutySlot(models.Model):
    """A lawyer on duty at a service centre for a half-day (the 陈埭 town centre's festival duty): workers see
    on /m/ when a lawyer sits near them; once the half-day is recorded as served, it earns the firm a reward."""

    lawyer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="律师", on_delete=models.PROTECT,
                               related_name="+")
    partner = models.ForeignKey("accounts.Partner", verbose_name="律师事务所", on_delete=models.PROTECT,
                                related_name="+")
    centre = models.ForeignKey("orgs.ServiceCentre", verbose_name="值班地点", on_delete=models.PROTECT,
                               related_name="+")
    day = models.DateField("日期")
    half = models.CharField("时段", max_length=2, choices=Half.choices)
    note = models.CharField("说明", max_length=100, blank=True)
    served = models.BooleanField("已值班", null=True, blank=True, help_text="值班后登记：是否到岗")
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = DutySlotQuerySet.as_manager()

    class Meta:
        verbose_name = "律师值班"
        verbose_name_plural = "律师值班"
        ordering = ["day", "half", "pk"]
        constraints = [models.UniqueConstraint(fields=["lawyer", "day", "half"], name="duty_once_per_half_day")]
        indexes = [models.Index(fields=["day", "centre"], name="duty_day_centre")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_half_display()} {self.centre_id}"


class RewardQuerySet(ScopedQuerySet):
    scope_field = "org__path"  # the case's handling organisation, or the duty's centre's

    def assigned_to(self, user):
        return self.model.objects.filter(lawyer_id=user.pk).values("pk")


class RewardLine(models.Model):
    """What a lawyer's firm is owed for one closed case or one duty half-day: the amount and how it was
    worked out. Paid to the firm's account through the payment batches."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="reward")
    duty = models.OneToOneField(DutySlot, on_delete=models.PROTECT, null=True, blank=True, related_name="reward")
    org = models.ForeignKey("orgs.Org", verbose_name="承办单位", on_delete=models.PROTECT, null=True,
                            related_name="+")
    lawyer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="律师", on_delete=models.PROTECT,
                               related_name="+")
    partner = models.ForeignKey("accounts.Partner", verbose_name="律师事务所", on_delete=models.PROTECT,
                                related_name="+")
    scheme = models.ForeignKey(RewardScheme, verbose_name="补贴标准", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("金额", max_digits=10, decimal_places=2)
    working = models.CharField("计算", max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    payment_problem = models.CharField("支付失败原因", max_length=200, blank=True)

    objects = RewardQuerySet.as_manager()

    class Meta:
        verbose_name = "律师补贴"
        verbose_name_plural = "律师补贴"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.amount}"


class MessageKind(models.TextChoices):
    QUESTION = "question", "咨询"
    ANSWER = "answer", "答复"


class ConsultMessage(models.Model):
    """One turn of a legal consultation: the worker's question (the first, or a follow-up) or the lawyer's
    answer. The thread is what both see; the case's timeline records that each turn happened."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consult_messages")
    kind = models.CharField(max_length=8, choices=MessageKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField("内容")
    at = models.DateTimeField(default=timezone.now)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "咨询往来"
        verbose_name_plural = "咨询往来"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


# --- the joint labour-dispute mediation centre ---------------------------------------------------------------

class MediationDistrict(models.Model):
    """A district (片区) of the joint mediation centre set up with the city court: a group of towns that
    follows a people's tribunal's jurisdiction, with the union officers who mediate there."""

    name = models.CharField("名称", max_length=40, unique=True)
    court = models.CharField("对应法院/法庭", max_length=60)
    towns = models.ManyToManyField("orgs.Org", verbose_name="所辖镇街", related_name="+")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="调解员", blank=True, related_name="+")
    order = models.PositiveSmallIntegerField("排序", default=10)

    class Meta:
        verbose_name = "调解片区"
        verbose_name_plural = "调解片区"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class MediationAgreement(models.Model):
    """The mediation agreement of a case: the parties, the terms, the payment dates; printed as an A4 PDF
    that the parties and the mediator sign on paper (the signed scan goes back on the case). Then either the
    court's confirmation (applied for within 30 days; its ruling recorded) or the payments followed up."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="mediation_agreement")
    other_party = models.CharField("对方当事人", max_length=100)
    other_party_agent = models.CharField("对方代表人", max_length=50, blank=True)
    terms = models.TextField("协议内容")
    made_on = models.DateField("达成日期")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="调解员", on_delete=models.PROTECT,
                                 related_name="+")

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "调解协议"
        verbose_name_plural = "调解协议"

    def __str__(self) -> str:
        return f"{self.case_id}"


class AgreementPayment(models.Model):
    """One payment the agreement promises (the employer pays 15,000 by 20 December …), followed up until
    it is paid — on time or late."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreement_payments")
    due_on = models.DateField("约定支付日期")
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    paid_on = models.DateField("实际支付日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "协议履行"
        verbose_name_plural = "协议履行"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_on}"

    @property
    def on_time(self) -> bool | None:
        return None if self.paid_on is None else self.paid_on <= self.due_on
