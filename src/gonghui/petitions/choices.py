"""The choices of petitions (importable before the apps are ready: apps.py declares the items with them)."""

from django.db import models

MAX_REPRESENTATIVES = 5


class Channel(models.TextChoices):
    VISIT = "visit", "来访"
    LETTER = "letter", "来信"
    HOTLINE = "hotline", "12351热线"
    ONLINE = "online", "网上信访"
    API = "api", "系统对接"


class Kind(models.TextChoices):
    LABOUR = "labour", "劳动权益"
    WAGES = "wages", "工资报酬"
    INSURANCE = "insurance", "社会保险"
    UNION = "union", "工会事务"
    ACCUSATION = "accusation", "检举控告工会工作人员"
    SUGGESTION = "suggestion", "意见建议"
    OTHER = "other", "其他"


class Route(models.TextChoices):
    HANDLE = "handle", "本级办理"
    TRANSFER = "transfer", "转送"
    ASSIGN = "assign", "交办"
    REFER = "refer", "转有权机关"
    DISPATCH = "dispatch", "派单"


class Difficulty(models.TextChoices):
    """A hotline order's difficulty picks its clock (the item's clock of the same key)."""

    ORDINARY = "ordinary", "一般"
    DIFFICULT = "difficult", "疑难"
    COMPLEX = "complex", "复杂"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    FAIR = "fair", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    UNREACHED = "unreached", "未联系上"
