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

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username
