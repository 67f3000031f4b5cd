"""The registry: enterprises, workers, their employment history and tags.

Personal numbers (ID, bank card) are stored only encrypted (``*_enc``) with a blind index (``*_bidx``)
for equality search and the last four characters for the "last 4 digits" search; see core/pii.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gonghui.core import pii
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import ScopedQuerySet


class Enterprise(models.Model):
    """An enterprise (企业), identified by its unified social credit code.

    ``org`` is the most specific organisation it belongs to — its grassroots union when it has one,
    otherwise its town union — and is what scoping uses; ``town`` is kept for figures per town.
    """

    name = models.CharField("企业名称", max_length=200, db_index=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    town = models.ForeignKey(Org, verbose_name="所属镇街", on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey(Org, verbose_name="基层工会", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="enterprises")
    org = models.ForeignKey(Org, verbose_name="归属组织", on_delete=models.PROTECT, related_name="+")
    industry = models.CharField("行业", max_length=50, blank=True)
    size = models.PositiveIntegerField("职工人数", null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A label later modules put on a worker: needy worker, model worker, sanitation worker, …"""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)

    class Meta:
        verbose_name = "职工标签"
        verbose_name_plural = "职工标签"

    def __str__(self) -> str:
        return self.name


class Membership(models.TextChoices):
    MEMBER = "member", "会员"
    LEFT = "left", "已离会"
    NONE = "none", "非会员"


class Hukou(models.TextChoices):
    LOCAL = "local", "本地户籍"
    MIGRANT = "migrant", "外来务工"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class WorkerQuerySet(ScopedQuerySet):
    scope_field = "org__path"
    scope_by_id = "org_id"


class Worker(models.Model):
    """A worker (职工) of the registry: one archive per person (一人一档)."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    id_enc = models.BinaryField("身份证号（密文）")
    id_bidx = models.CharField("身份证号索引", max_length=32, unique=True)
    # The last four characters are searchable but not stored in clear: with the birth date (kept for
    # figures) and a guessable place code they would rebuild the whole number. A keyed hash of them
    # has only 11,000 possible inputs, but without the key it cannot be tried.
    id_last4_bidx = models.CharField("身份证号后四位索引", max_length=32, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("手机号", max_length=11, blank=True, db_index=True)
    enterprise = models.ForeignKey(Enterprise, verbose_name="所在企业", on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="workers")
    org = models.ForeignKey(Org, verbose_name="归属组织", on_delete=models.PROTECT, related_name="+")
    membership = models.CharField("会籍状态", max_length=8, choices=Membership.choices,
                                  default=Membership.MEMBER)
    member_since = models.DateField("入会日期", null=True, blank=True)
    hukou_place = models.CharField("户籍地", max_length=100, blank=True)
    hukou = models.CharField("户籍类型", max_length=8, choices=Hukou.choices)
    bank_enc = models.BinaryField("银行卡号（密文）", null=True, blank=True)
    bank_bidx = models.CharField("银行卡号索引", max_length=32, blank=True, db_index=True)
    bank_last4 = models.CharField("银行卡号后四位", max_length=4, blank=True)
    bank_name = models.CharField("开户行", max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="workers")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = "职工"
        verbose_name_plural = "职工"
        ordering = ["pk"]
        permissions = [
            ("view_worker_pii", "查看完整身份证号和银行卡号"),
            ("export_worker_pii", "导出含完整证件号码的名单"),
            ("import_registry", "导入企业和职工"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_masked(self) -> str:
        """350582**********1234 — decrypted in memory for the rows on screen, never searched."""
        return pii.mask_id(pii.decrypt(self.id_enc, field="id_number"))

    def id_number_clear(self) -> str:
        """The full number. Callers must hold the right and audit the view (registry.services)."""
        return pii.decrypt(self.id_enc, field="id_number")

    def bank_number_clear(self) -> str:
        return pii.decrypt(self.bank_enc, field="bank_card")

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(self.phone)

    @property
    def bank_masked(self) -> str:
        if not self.bank_last4:
            return ""
        return f"{'*' * 12}{self.bank_last4}"


class Employment(models.Model):
    """One stretch of a worker at an enterprise; the open one (``left_on`` empty) is the current job."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="employments")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="employments")
    joined_on = models.DateField("入职日期", null=True, blank=True)
    left_on = models.DateField("离职日期", null=True, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "任职记录"
        verbose_name_plural = "任职记录"
        ordering = ["worker", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["worker", "left_on"])]

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.enterprise_id} {self.joined_on}–{self.left_on or ''}"


class WorkerNameKey(models.Model):
    """A search key of a worker's name: pinyin initials (zs) and full pinyin (zhangsan), every reading."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="name_keys")
    # db_index (not Meta.indexes) so that PostgreSQL also gets the pattern-ops index a prefix LIKE needs
    key = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker", "key"], name="worker_name_key_unique")]

    def __str__(self) -> str:
        return self.key


class ImportKind(models.TextChoices):
    """The registry's own kinds; other modules register theirs (``importing.register_kind``)."""

    ENTERPRISES = "enterprises", "企业"
    WORKERS = "workers", "职工"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "已上传"
    VALIDATING = "validating", "校验中"
    VALIDATED = "validated", "校验完成"
    IMPORTING = "importing", "导入中"
    DONE = "done", "已导入"
    FAILED = "failed", "失败"
    REFUSED = "refused", "文件不可用"


class ImportJob(models.Model):
    """An uploaded file on its way into the registry: validate (preview), then import the good rows.

    The uploaded file is kept encrypted (it holds ID numbers in clear) and deleted once imported; the
    error list holds row numbers, reasons and masked values only.
    """

    kind = models.CharField("类型", max_length=40)  # a registered kind (importing.KINDS)
    params = models.JSONField("参数", default=dict, blank=True)  # the kind's own: a product, a date …
    preview = models.JSONField("预览", default=dict, blank=True)  # {"rows": [...], "summary": [[...]]}
    filename = models.CharField("文件名", max_length=200)
    file_enc = models.BinaryField("文件（密文）", null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                              related_name="+")
    org = models.ForeignKey(Org, verbose_name="范围", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    message = models.CharField("说明", max_length=300, blank=True)
    total_rows = models.PositiveIntegerField("数据行", default=0)
    processed_rows = models.PositiveIntegerField("已处理", default=0)
    good_rows = models.PositiveIntegerField("有效行", default=0)
    error_rows = models.PositiveIntegerField("错误行", default=0)
    blank_rows = models.PositiveIntegerField("空行", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind_label}导入 {self.filename}"

    @property
    def kind_label(self) -> str:
        from .importing import kind_label

        return kind_label(self.kind)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in (ImportStatus.UPLOADED, ImportStatus.VALIDATING) else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))


class BindingStatus(models.TextChoices):
    BOUND = "bound", "已绑定"
    PENDING = "pending", "待审核"
    REFUSED = "refused", "未通过"


class WorkerAccountQuerySet(ScopedQuerySet):
    scope_field = "town__path"


class WorkerAccount(models.Model):
    """A worker's sign-in bound to their registry record (real name + ID number).

    A number not in the registry (a new employee) waits as ``pending`` for the staff of the town the
    worker chose, who approve (creating the record at an enterprise) or refuse it with a reason.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worker_account")
    worker = models.OneToOneField(Worker, on_delete=models.PROTECT, null=True, blank=True, related_name="account")
    status = models.CharField("状态", max_length=8, choices=BindingStatus.choices)
    name = models.CharField("姓名", max_length=50)
    id_enc = models.BinaryField("身份证号（密文）")
    id_bidx = models.CharField(max_length=32, db_index=True)
    town = models.ForeignKey(Org, verbose_name="所在镇街", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("说明", max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = WorkerAccountQuerySet.as_manager()

    class Meta:
        verbose_name = "职工账号绑定"
        verbose_name_plural = "职工账号绑定"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def id_masked(self) -> str:
        return pii.mask_id(pii.decrypt(self.id_enc, field="id_number"))


class ConsentCategory(models.TextChoices):
    MEDICAL = "medical", "医疗健康信息"
    BANK = "bank", "银行账户信息"
    COUNSELLING = "counselling", "心理咨询记录"
    MINORS = "minors", "未成年子女信息"


class Consent(models.Model):
    """A worker's consent to process one category of sensitive personal information (个人信息保护法
    第二十九条: separate consent), with the version of the notice they read. Withdrawing is one click;
    the row keeps when it was given and when withdrawn."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    category = models.CharField("类别", max_length=16, choices=ConsentCategory.choices)
    notice_version = models.CharField("告知书版本", max_length=20)
    granted_at = models.DateTimeField("同意时间")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "个人信息同意"
        verbose_name_plural = "个人信息同意"
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category} {self.notice_version}"


class CorrectionField(models.TextChoices):
    NAME = "name", "姓名"
    PHONE = "phone", "手机号"
    HUKOU_PLACE = "hukou_place", "户籍地"
    OTHER = "other", "其他"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    DONE = "done", "已更正"
    REFUSED = "refused", "不予更正"


class CorrectionRequestQuerySet(ScopedQuerySet):
    scope_field = "worker__org__path"


class CorrectionRequest(models.Model):
    """A worker asks for a wrong item of their record to be corrected (个人信息保护法 第四十六条); the
    staff of their organisation correct it or say why not. (The case engine will carry this later.)"""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="correction_requests")
    field = models.CharField("项目", max_length=16, choices=CorrectionField.choices)
    requested_value = models.CharField("更正为", max_length=100)
    note = models.CharField("说明", max_length=200, blank=True)
    status = models.CharField("状态", max_length=8, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN)
    reply = models.CharField("答复", max_length=200, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "更正申请"
        verbose_name_plural = "更正申请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.field}"


class RetentionRule(models.Model):
    """How long personal data is kept once its purpose has ended (个人信息保护法 第十九条、第四十七条):
    data, as the federation sets it; the daily job deletes or anonymises what has passed its time
    (registry.retention). What a law requires to be kept (payments, petition records) is never touched."""

    code = models.SlugField("编码", max_length=40, unique=True)
    label = models.CharField("内容", max_length=60)
    days = models.PositiveIntegerField("保存天数")
    action = models.CharField("到期处理", max_length=20)
    active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "个人信息保存期限"
        verbose_name_plural = "个人信息保存期限"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.label}（{self.days}天）"
