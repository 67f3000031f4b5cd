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
