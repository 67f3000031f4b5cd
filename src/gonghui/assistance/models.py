"""Needy workers (困难职工) and their assistance: the rules of the year and place (as data), the hardship
file of a household, its home visit and yearly review, the aid granted to it (living, medical, study,
accidental hardship), Golden Autumn student aid and the festival condolence visits.

- A file is the ``hardship_file`` case (the application) and its ``HardshipFile`` (the household, the
  classification, and the file's life after approval: on file, reviewed each year, lapsed or exited).
- Every aid paid by bank transfer is an ``Award`` (one per case of ``hardship_aid`` or ``golden_autumn``):
  the payable row of the shared payment batches (gonghui.payments, source ``assistance``).
- Every aid given is also a grant in the shared aid ledger (gonghui.aid), which refuses double aid.
- Figures in the rules are examples from ``shared/domain/RULES.md``, replaced by the federation's own in
  the admin.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from gonghui.cases.models import Case
from gonghui.core import pii
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import ScopedQuerySet
from gonghui.registry.models import Worker

FILE_ITEM = "hardship_file"
AID_ITEM = "hardship_aid"
AUTUMN_ITEM = "golden_autumn"


class Category(models.TextChoices):
    DEEP = "deep", "深度困难"
    RELATIVE = "relative", "相对困难"
    ACCIDENT = "accident", "意外致困"
    NONE = "none", "不符合困难条件"


class HardshipRules(models.Model):
    """The year's identification rules (the multipliers of the minimum living standard) and periods."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    deep_multiplier = models.DecimalField("深度困难：低于低保标准的倍数", max_digits=4, decimal_places=2,
                                          default=Decimal("1.00"))
    relative_multiplier = models.DecimalField("相对困难：低于低保标准的倍数", max_digits=4, decimal_places=2,
                                              default=Decimal("2.00"))
    accident_share = models.DecimalField("意外致困：刚性支出超过家庭收入的比例", max_digits=4, decimal_places=2,
                                         default=Decimal("0.80"))
    migrant_months = models.PositiveSmallIntegerField("农民工实际就业满（月）", default=12)
    review_months = models.PositiveSmallIntegerField("复核周期（月）", default=12)
    remind_days = models.PositiveSmallIntegerField("复核提前提醒（天）", default=30)
    notice_days = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "困难职工认定规则"
        verbose_name_plural = "困难职工认定规则"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年认定规则"


class LivingStandard(models.Model):
    """The local minimum living allowance (低保) per month per person, per town (or the city) and year."""

    org = models.ForeignKey(Org, verbose_name="镇街（空白为全市统一标准）", on_delete=models.PROTECT, related_name="+",
                            null=True, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    monthly = models.DecimalField("低保标准（元/人·月）", max_digits=8, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "低保标准"
        verbose_name_plural = "低保标准"
        ordering = ["-year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="living_standard_once"),
                       models.UniqueConstraint(fields=["year"], condition=models.Q(org__isnull=True),
                                               name="living_standard_city_once")]

    def __str__(self) -> str:
        return f"{self.org or '全市'} {self.year}: {self.monthly}"


class AidKind(models.TextChoices):
    LIVING = "living", "生活救助"
    MEDICAL = "medical", "医疗救助"
    STUDY_HIGHER = "study_higher", "助学（大学、大专）"
    STUDY_HIGH = "study_high", "助学（高中、中职）"
    ACCIDENT = "accident", "意外致困救助"


class AidCap(models.Model):
    """How much aid of a kind a household of a category may get in a year: months of the local standard,
    a share of the self-paid costs, a ceiling — whichever apply, the least."""

    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("救助类别", max_length=14, choices=AidKind.choices)
    category = models.CharField("困难类别", max_length=10, choices=Category.choices)
    months = models.DecimalField("低保标准的月数", max_digits=4, decimal_places=1, null=True, blank=True)
    share = models.DecimalField("自付费用的比例", max_digits=4, decimal_places=2, null=True, blank=True)
    ceiling = models.DecimalField("年度上限（元）", max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "救助标准"
        verbose_name_plural = "救助标准"
        ordering = ["-year", "kind", "category"]
        constraints = [models.UniqueConstraint(fields=["year", "kind", "category"], name="aid_cap_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.get_category_display()}"


class Cause(models.TextChoices):
    ILLNESS = "illness", "本人或家人患重病"
    DISABILITY = "disability", "残疾"
    SCHOOLING = "schooling", "子女就学"
    ACCIDENT = "accident", "意外事故"
    DISASTER = "disaster", "自然灾害"
    UNEMPLOYMENT = "unemployment", "失业或企业困难"
    OTHER = "other", "其他"


ACCIDENTAL_CAUSES = (Cause.ACCIDENT, Cause.DISASTER)


class FileStatus(models.TextChoices):
    APPLYING = "applying", "审核中"
    ON_FILE = "on_file", "在档"
    EXITED = "exited", "已脱困"
    LAPSED = "lapsed", "未复核失效"
    REFUSED = "refused", "未建档"


class FileQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class HardshipFile(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="hardship_file")
    worker = models.ForeignKey(Worker, verbose_name="职工", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, verbose_name="镇街", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("认定年度")
    cause = models.CharField("致困原因", max_length=14, choices=Cause.choices, default=Cause.OTHER)
    medical_costs = models.DecimalField("年医疗刚性支出（元）", max_digits=10, decimal_places=2, default=Decimal("0"))
    education_costs = models.DecimalField("年教育刚性支出（元）", max_digits=10, decimal_places=2, default=Decimal("0"))
    employed_since = models.DateField("在本市实际就业起始日期", null=True, blank=True)
    migrant = models.BooleanField("外来务工", default=False)
    standard = models.DecimalField("低保标准", max_digits=8, decimal_places=2, null=True, blank=True)
    per_capita = models.DecimalField("家庭人均月收入", max_digits=10, decimal_places=2, null=True, blank=True)
    category = models.CharField("困难类别", max_length=10, choices=Category.choices, default=Category.NONE)
    working = models.JSONField("认定过程", default=list, blank=True)
    status = models.CharField("档案状态", max_length=10, choices=FileStatus.choices, default=FileStatus.APPLYING)
    approved_on = models.DateField("建档日期", null=True, blank=True)
    review_due = models.DateField("下次复核", null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField("出档日期", null=True, blank=True)
    close_reason = models.CharField("出档原因", max_length=200, blank=True)

    objects = FileQuerySet.as_manager()

    class Meta:
        verbose_name = "困难职工档案"
        verbose_name_plural = "困难职工档案"
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "review_due"], name="hardship_review_due")]

    def __str__(self) -> str:
        return self.case.number

    @property
    def household(self) -> str:
        """The household's key in the aid ledger (one kind of aid only, for relative hardship)."""
        return f"hardship:{self.pk}"

    @property
    def on_file(self) -> bool:
        return self.status == FileStatus.ON_FILE


class Relation(models.TextChoices):
    SELF = "self", "本人"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    OTHER = "other", "其他共同生活成员"


class Health(models.TextChoices):
    HEALTHY = "healthy", "健康"
    CHRONIC = "chronic", "慢性病"
    SERIOUS = "serious", "重大疾病"
    DISABLED = "disabled", "残疾"


class Schooling(models.TextChoices):
    NONE = "none", "未在读"
    PRESCHOOL = "preschool", "学龄前"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    HIGH = "high", "高中"
    VOCATIONAL = "vocational", "中职"
    COLLEGE = "college", "大专"
    UNIVERSITY = "university", "本科及以上"


class Employment(models.TextChoices):
    EMPLOYED = "employed", "在职"
    FLEXIBLE = "flexible", "灵活就业"
    UNEMPLOYED = "unemployed", "失业"
    RETIRED = "retired", "退休"
    UNABLE = "unable", "无劳动能力"
    STUDENT = "student", "在读学生"
    CHILD = "child", "学龄前儿童"


class HouseholdMember(models.Model):
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("与申请人关系", max_length=8, choices=Relation.choices)
    id_enc = models.BinaryField("身份证号（密文）")
    birth_date = models.DateField("出生日期")
    health = models.CharField("健康状况", max_length=10, choices=Health.choices, default=Health.HEALTHY)
    schooling = models.CharField("就学情况", max_length=10, choices=Schooling.choices, default=Schooling.NONE)
    employment = models.CharField("就业情况", max_length=10, choices=Employment.choices, default=Employment.EMPLOYED)
    income = models.DecimalField("年收入（元）", max_digits=10, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_masked(self) -> str:
        return pii.mask_id(pii.decrypt(self.id_enc, field="id_number"))

    def id_number_clear(self) -> str:
        return pii.decrypt(self.id_enc, field="id_number")

    def age(self, on=None) -> int:
        on = on or timezone.localdate()
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


class HomeVisit(models.Model):
    """The town's home visit (入户核查): two visitors, what they found; the photos are the case's
    ``visit_photos`` materials."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("入户日期")
    visitors = models.CharField("核查人员", max_length=60)
    findings = models.TextField("核查情况")
    kind = models.CharField("类型", max_length=10, default="intake")  # intake, review
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "入户核查"
        verbose_name_plural = "入户核查"
        ordering = ["visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.file_id} {self.visited_on}"


class Programme(models.TextChoices):
    HARDSHIP_AID = "hardship_aid", "困难职工救助"
    GOLDEN_AUTUMN = "golden_autumn", "金秋助学"


class AwardQuerySet(ScopedQuerySet):
    scope_field = "case__org__path"


class Award(models.Model):
    """What an approved application pays (by bank transfer, through the shared payment batches)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="award")
    programme = models.CharField("项目", max_length=14, choices=Programme.choices)
    kind = models.CharField("类别", max_length=20)  # an AidKind, or a Golden Autumn tier's code
    kind_label = models.CharField("类别", max_length=40)
    file = models.ForeignKey(HardshipFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="awards")
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    working = models.JSONField("计算过程", default=list, blank=True)
    payment_problem = models.CharField("支付失败原因", max_length=200, blank=True)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = "救助金"
        verbose_name_plural = "救助金"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.case.number


class Campaign(models.Model):
    """A year's Golden Autumn campaign: its dates, whether workers not on file may apply, its tiers."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=60)
    opens_on = models.DateField("开始申请")
    closes_on = models.DateField("截止申请")
    off_file = models.BooleanField("困难职工档案外、收入低于相对困难标准的职工子女也可申请", default=False)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "金秋助学活动"
        verbose_name_plural = "金秋助学活动"
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.name

    def is_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on


class Tier(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tiers")
    code = models.CharField("代码", max_length=20)
    label = models.CharField("档次", max_length=40)
    amount = models.DecimalField("在档职工子女（元）", max_digits=8, decimal_places=2)
    amount_off_file = models.DecimalField("档案外职工子女（元）", max_digits=8, decimal_places=2, null=True,
                                          blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "资助档次"
        verbose_name_plural = "资助档次"
        ordering = ["campaign", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="tier_once")]

    def __str__(self) -> str:
        return self.label


class VisitCampaign(models.Model):
    """Condolence visits before a festival (送温暖): the households to visit, listed from the files."""

    org = models.ForeignKey(Org, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=60)
    amounts = models.JSONField("慰问金标准", default=dict)  # {category: yuan}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "送温暖慰问活动"
        verbose_name_plural = "送温暖慰问活动"
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.name


class VisitQuerySet(ScopedQuerySet):
    scope_field = "file__org__path"


class FestivalVisit(models.Model):
    campaign = models.ForeignKey(VisitCampaign, on_delete=models.CASCADE, related_name="visits")
    file = models.ForeignKey(HardshipFile, on_delete=models.PROTECT, related_name="festival_visits")
    visited_on = models.DateField("慰问日期", null=True, blank=True)
    visitors = models.CharField("慰问人", max_length=60, blank=True)
    cash = models.DecimalField("慰问金（元）", max_digits=8, decimal_places=2, null=True, blank=True)
    goods = models.CharField("慰问品", max_length=100, blank=True)
    receipt = models.CharField(max_length=200, blank=True)  # the signed receipt's scan, encrypted at rest
    receipt_type = models.CharField(max_length=60, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = "慰问对象"
        verbose_name_plural = "慰问对象"
        ordering = ["file__org__path", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "file"], name="festival_visit_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.file_id}"
