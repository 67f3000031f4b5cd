from django.contrib.auth.models import AbstractUser
from django.db import models

from gonghui.core import pii


class User(AbstractUser):
    """A person who signs in.

    Staff belong to exactly one organisation of the union tree (``org``) and see its subtree; the
    scoping rules live in ``gonghui.orgs.scoping``. A user without an organisation sees no
    organisation data at all (workers, once they can sign in, see only their own records).
    """

    name = models.CharField("姓名", max_length=50, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="所属组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    title = models.CharField("岗位", max_length=50, blank=True)
    partner = models.ForeignKey(
        "accounts.Partner", verbose_name="合作机构", on_delete=models.PROTECT, null=True, blank=True,
        related_name="members",
        help_text="律师事务所等合作机构的人员：只能处理分派给本人的办件，不属于工会组织的工作人员。")
    must_change_password = models.BooleanField(
        "下次登录须修改密码", default=True,
        help_text="管理员设置的密码须由本人在首次登录时修改。")
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords (the password policy refuses the last five)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """Which session belongs to whom, so that signing out or a new password ends the others."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id}"


class Role(models.Model):
    """A named set of permissions (centre staff, reviewer, finance, …), granted to a user at a node of the
    union tree by a ``RoleAssignment``. The roles ship as data (migration); the security administrator
    may adjust their permissions."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50)
    description = models.CharField("说明", max_length=200, blank=True)
    permissions = models.ManyToManyField("auth.Permission", verbose_name="权限", blank=True)
    admin_duty = models.CharField("三员职责", max_length=16, blank=True,
                                  help_text="system / security / audit：三员分立，同一人只能担任其一")
    requires_2fa = models.BooleanField("须启用双因素认证", default=False)
    assignment_scoped = models.BooleanField(
        "仅限分派对象", default=False,
        help_text="合作机构人员的角色：权限只作用于分派给本人的办件，不及于授权组织及其下级。")
    shipped_permissions = models.JSONField("随版本下发的权限", default=list, blank=True, editable=False)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name


class PartnerKind(models.TextChoices):
    LAW_FIRM = "law_firm", "律师事务所"
    COUNSELLING = "counselling", "心理咨询机构"
    CLINIC = "clinic", "医疗机构"
    MEDIATION = "mediation", "调解组织"


class Partner(models.Model):
    """An organisation outside the union tree that serves workers under agreement with the federation (a
    law firm, a counselling practice, a clinic). Its people are users with ``partner`` set and an
    assignment-scoped role: they see only what is assigned to them. Rewards are paid to its account."""

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类别", max_length=16, choices=PartnerKind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    org = models.ForeignKey("orgs.Org", verbose_name="签约工会", on_delete=models.PROTECT, related_name="+")
    contact = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    bank_name = models.CharField("开户行", max_length=100, blank=True)
    account_name = models.CharField("账户名称", max_length=100, blank=True)
    account_enc = models.BinaryField("银行账号（密文）", null=True, blank=True, editable=False)
    active = models.BooleanField("合作中", default=True)

    class Meta:
        verbose_name = "合作机构"
        verbose_name_plural = "合作机构"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def account_clear(self) -> str:
        return pii.decrypt(self.account_enc, field="bank_card") if self.account_enc else ""

    @property
    def account_masked(self) -> str:
        return pii.mask_bank(self.account_clear()) if self.account_enc else ""


class RoleAssignment(models.Model):
    """``user`` holds ``role`` at ``org`` and, through it, over the organisation's whole subtree."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_assignments")
    role = models.ForeignKey(Role, verbose_name="角色", on_delete=models.PROTECT, related_name="assignments")
    org = models.ForeignKey("orgs.Org", verbose_name="授权组织", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(User, verbose_name="授权人", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "role", "org"], name="role_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.org}"


class ApiToken(models.Model):
    """A bearer token for a partner system on /api/v1/: issued to a user (whose roles and scope apply),
    limited to ``scopes``, expiring, revocable. Only a SHA-256 of the secret is stored (the secret is
    32 random bytes, so no slow hash is needed); ``prefix`` finds the row without scanning."""

    user = models.ForeignKey(User, verbose_name="所属用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("合作方/用途", max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    scopes = models.JSONField("接口范围", default=list)
    rate_per_minute = models.PositiveIntegerField("每分钟请求上限", default=120)
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    created_by = models.ForeignKey(User, verbose_name="签发人", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SmsCode(models.Model):
    """A one-time code sent to a phone: 6 digits, valid 5 minutes, single use, void after 5 wrong tries."""

    phone = models.CharField(max_length=11, db_index=True)
    purpose = models.CharField(max_length=16)  # register / reset / notice (a text without a code)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)  # who asked for it
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} {self.phone[:3]}****"
