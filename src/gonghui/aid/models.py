"""The aid ledger, shared by every programme that aids a person (hardship assistance, Golden Autumn,
festival visits, model workers' benefits) and by medical mutual aid for its invoices.

Invariants, kept by the database itself so that two clerks approving at the same moment cannot both win:

- a person (by ID number, as a blind index) holds at most one active grant of a once-a-period purpose
  (living, study, accident, festival) in a period (a year) — whichever programme grants it
  (``grant_once_per_period``): a student aided by Golden Autumn is not aided again by study aid that year;
- a medical invoice number is held by at most one programme's case at a time (``invoice_held_once``):
  an invoice claimed in mutual aid cannot be claimed in medical aid, and the reverse.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from gonghui.cases.models import Case
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import ScopedQuerySet


class Purpose(models.TextChoices):
    LIVING = "living", "生活救助"
    MEDICAL = "medical", "医疗救助"
    STUDY = "study", "助学"
    ACCIDENT = "accident", "意外致困救助"
    FESTIVAL = "festival", "节日慰问"


# a person is aided for these at most once a period; medical aid may be granted again for other invoices
# (each invoice once, up to the programme's yearly cap)
ONCE_PER_PERIOD = (Purpose.LIVING, Purpose.STUDY, Purpose.ACCIDENT, Purpose.FESTIVAL)
# what "one kind of aid only" counts (relative hardship): condolence visits at the festival are not a kind
# of aid in that sense (Quanzhou visits households in relative hardship as well)
KINDS_OF_AID = (Purpose.LIVING, Purpose.MEDICAL, Purpose.STUDY, Purpose.ACCIDENT)


class GrantQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class Grant(models.Model):
    source = models.CharField("来源", max_length=30)  # the programme's code, e.g. golden_autumn
    programme = models.CharField("项目", max_length=40)  # as the clerk reads it: 金秋助学
    object_id = models.PositiveBigIntegerField()
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reference = models.CharField("编号", max_length=40)
    person_enc = models.BinaryField("身份证号（密文）")  # kept so that a key rotation can rebuild the index
    person_bidx = models.CharField(max_length=32, db_index=True)
    person_name = models.CharField("受助人", max_length=50)
    household = models.CharField(max_length=40, blank=True, db_index=True)  # e.g. the hardship file
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices)
    period = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    once = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=200, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = "救助记录"
        verbose_name_plural = "救助记录"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person_bidx", "purpose", "period"], condition=Q(active=True, once=True),
                                    name="grant_once_per_period"),
            models.UniqueConstraint(fields=["source", "object_id"], condition=Q(active=True),
                                    name="grant_once_per_row"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.reference}"


class InvoiceUse(models.Model):
    number = models.CharField("发票号码", max_length=40)
    source = models.CharField("来源", max_length=30)
    programme = models.CharField("项目", max_length=40)
    object_id = models.PositiveBigIntegerField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reference = models.CharField("编号", max_length=40)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "发票使用"
        verbose_name_plural = "发票使用"
        constraints = [models.UniqueConstraint(fields=["number"], condition=Q(active=True),
                                               name="invoice_held_once")]
        indexes = [models.Index(fields=["source", "object_id"], name="invoice_use_row")]

    def __str__(self) -> str:
        return self.number


class CaseInvoice(models.Model):
    """A medical invoice of a case of any programme that pays on self-paid medical costs (hardship medical
    aid, model workers' hospital subsidy): typed by the applicant or the clerk; its number is held in the
    registry above (``InvoiceUse``) from submission, so no other case of any programme pays it again."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="medical_invoices")
    number = models.CharField("发票号码", max_length=40)
    hospital = models.CharField("医院", max_length=60)
    issued_on = models.DateField("结算日期")
    amount = models.DecimalField("发票金额（元）", max_digits=10, decimal_places=2)
    insured = models.DecimalField("医保等已报销（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "医疗费用发票"
        verbose_name_plural = "医疗费用发票"
        ordering = ["issued_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="case_invoice_once_per_case")]

    def __str__(self) -> str:
        return self.number

    @property
    def self_paid(self) -> Decimal:
        return max(self.amount - self.insured, Decimal("0"))
