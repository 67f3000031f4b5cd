from django.contrib.auth.models import AbstractUser
from django.db import models


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
    shipped_permissions = models.JSONField("随版本下发的权限", default=list, blank=True, editable=False)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name


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
    purpose = models.CharField(max_length=16)  # register / reset
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} {self.phone[:3]}****"
