"""The union tree (工会组织) and its service centres (职工服务中心/站)."""

from __future__ import annotations

from django.db import models
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from .scoping import ScopedQuerySet


class OrgKind(models.TextChoices):
    FEDERATION = "federation", "市总工会"
    TOWN = "town", "镇级工会"
    # an industry or system union (教育系统工会, 卫生健康系统工会): beside the towns, under the federation; it
    # manages its own model workers at the second level
    SECTOR = "sector", "产业（系统）工会"
    COMMUNITY = "community", "村(社区)工会"
    GRASSROOTS = "grassroots", "基层工会"


class TownType(models.TextChoices):
    """What sort of town-level area a town union serves (the article: 各镇、街道、经济开发区、工业区)."""

    STREET = "street", "街道"
    TOWN = "town", "镇"
    DEVELOPMENT_ZONE = "devzone", "经济开发区"
    INDUSTRIAL_ZONE = "indzone", "工业区"


class OrgQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    scope_field = "path"

    def towns(self):
        return self.filter(kind=OrgKind.TOWN)


class OrgManager(MP_NodeManager.from_queryset(OrgQuerySet)):
    def get_queryset(self):
        return OrgQuerySet(self.model, using=self._db).order_by("path")


class Org(MP_Node):
    """One organisation of the union tree: city federation → town union → community / grassroots union.

    The tree is django-treebeard's materialised path (``MP_Node``), chosen over nested sets (every insert
    rewrites half the table) and adjacency lists with recursive CTEs (a subtree needs recursion, and the
    scoping condition could not be one indexed predicate). Moving a branch is treebeard's ``move()``,
    which rewrites the paths of that branch in one UPDATE.
    """

    steplen = 4

    code = models.SlugField("编码", max_length=64, unique=True,
                            help_text="稳定的英文编码，例如 qingyang；导入与接口用它识别组织。")
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("层级", max_length=16, choices=OrgKind.choices, db_index=True)
    town_type = models.CharField("镇街类型", max_length=16, choices=TownType.choices, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = OrgManager()

    class Meta:
        verbose_name = "工会组织"
        verbose_name_plural = "工会组织"

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class CentreKind(models.TextChoices):
    CITY = "city", "市级职工服务中心"
    TOWN = "town", "镇级职工服务中心"
    ENTERPRISE = "enterprise", "企业职工服务中心"
    MARKET = "market", "市场职工服务中心"
    SANITATION = "sanitation", "环卫工人爱心服务点"


class Facility(models.TextChoices):
    """Equipment and rooms a centre offers (the article lists the standard set for city and town centres)."""

    HOTLINE = "hotline", "热线电话"
    COMPUTER = "computer", "电脑"
    PRINTER = "printer", "打印机"
    COPIER = "copier", "复印机"
    SCANNER = "scanner", "扫描仪"
    RECEPTION = "reception", "接待室"
    MEDIATION = "mediation", "调解室"
    READING = "reading", "书吧"
    GYM = "gym", "健身房"
    COUNSELLING = "counselling", "心理咨询室"
    REST = "rest", "休息区"
    WATER = "water", "饮水"
    MICROWAVE = "microwave", "微波炉"
    FIRST_AID = "first_aid", "医药箱"
    CHARGING = "charging", "充电"
    TOILET = "toilet", "卫生间"


class ServiceCentreQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class ServiceCentre(models.Model):
    """A service centre or station (职工服务中心/站) run by one organisation of the tree."""

    org = models.ForeignKey(Org, verbose_name="所属组织", on_delete=models.PROTECT, related_name="centres")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=CentreKind.choices, db_index=True)
    address = models.CharField("地址", max_length=200)
    phone = models.CharField("电话", max_length=40, blank=True)
    opening_hours = models.CharField("开放时间", max_length=100, blank=True)
    facilities = models.JSONField("设施", default=list, blank=True,
                                  help_text="设施编码列表，见 Facility。")
    fulltime_staff = models.PositiveSmallIntegerField("专职工作人员", default=0)
    is_demonstration = models.BooleanField("示范点", default=False)
    demonstration_title = models.CharField("示范称号", max_length=100, blank=True,
                                           help_text="例如：泉州市级示范点")
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ServiceCentreQuerySet.as_manager()

    class Meta:
        verbose_name = "职工服务中心(站)"
        verbose_name_plural = "职工服务中心(站)"
        ordering = ["org__path", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def facility_labels(self) -> list[str]:
        labels = dict(Facility.choices)
        return [labels.get(code, code) for code in self.facilities]
