from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除。")


class AuditLog(models.Model):
    """One line of the append-only audit trail: who did what to which object, when, from where.

    Rows are only ever inserted (``gonghui.core.audit.record``); updating or deleting one through the
    ORM raises, and on PostgreSQL a trigger refuses it in the database too (except deleting rows past
    the retention period). Each row carries ``seq`` (no gaps) and a keyed hash (HMAC) over its content
    and the previous row's hash, so ``python -m gonghui audit verify`` finds a removed or altered row.
    Personal numbers never appear here in clear: ``changes`` holds masked values.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    actor_label = models.CharField("操作人账号", max_length=150, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True, db_index=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    changes = models.JSONField("变更", default=dict, blank=True)
    seq = models.BigIntegerField("序号", unique=True, null=True, editable=False)
    prev_hash = models.CharField("上一条摘要", max_length=64, blank=True, editable=False)
    hash = models.CharField("摘要", max_length=64, blank=True, editable=False)
    # 1: the chain key derived from the personal-data key (rows written before 2026-12); 2: the audit key of
    # its own (core.audit), kept apart from the database and the personal-data key
    key_version = models.PositiveSmallIntegerField("链密钥版本", default=1, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday on a weekday, or a weekend day worked
    to make up for one (调休上班). The State Council publishes each year's list; 2025 and 2026 ship as
    data and the system administrator adds the next year in the admin."""

    HOLIDAY = "holiday"
    WORKDAY = "workday"
    KINDS = [(HOLIDAY, "放假"), (WORKDAY, "调休上班")]

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=KINDS)
    name = models.CharField("节日", max_length=20)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}{self.get_kind_display()}"


class NumberCounter(models.Model):
    """The last number given per prefix and year (core.numbering)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "编号计数器"
        verbose_name_plural = "编号计数器"
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="number_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
