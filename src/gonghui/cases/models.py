"""The case engine's data: the catalogue of service items, cases, their clocks, attachments, timeline,
messages, ratings, and the idempotency keys of API writes.

Invariants kept here (the services keep the rest):

- a case's ``number`` is unique and readable: ``<item prefix>-<year>-<6 digits>``, numbered per prefix and
  year by the shared numbering (core.numbering);
- ``state`` only changes through ``services.transition``, which claims the row with
  ``UPDATE … WHERE state = <expected>`` (zero rows: someone else moved it first);
- ``urgency`` and ``due_on`` are stored (the queue sorts on them with an index), written when a clock
  changes and by the daily sweep, never recomputed per row on a page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from gonghui.core import pii
from gonghui.orgs.models import Org
from gonghui.orgs.scoping import ScopedQuerySet
from gonghui.registry.models import Worker


class State(models.TextChoices):
    """The states of the standard workflow (cases.states.STANDARD), named for the code that means them.
    ``Case.state`` is a plain string: a module's workflow adds states of its own without a migration."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已受理"
    IN_REVIEW = "in_review", "审核中"
    APPROVED = "approved", "已核准"
    FULFILLED = "fulfilled", "已办结"
    RETURNED = "returned", "待补正"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    DENIED = "denied", "未予核准"
    WITHDRAWN = "withdrawn", "已撤回"




class Urgency(models.IntegerChoices):
    """Stored per case; the queue sorts on it: overdue first."""

    RED = 0, "已超期"
    AMBER = 1, "即将到期"
    GREEN = 2, "正常"
    NONE = 3, "未计时"


class HandlingLevel(models.TextChoices):
    TOWN = "town", "申请人所在镇街"
    CITY = "city", "市总工会"


class ServiceItem(models.Model):
    """An entry of the catalogue (服务事项). Modules declare them in code (cases.catalogue); the system
    administrator edits texts, time limits and message templates in the admin."""

    code = models.SlugField("编码", max_length=40, unique=True)
    prefix = models.CharField("办件编号前缀", max_length=8, unique=True)
    name = models.CharField("名称", max_length=60)
    module = models.CharField("所属模块", max_length=40)
    category = models.CharField("分类", max_length=20)
    summary = models.CharField("简介", max_length=200, blank=True)
    guide_who = models.TextField("申请条件", blank=True)
    guide_what = models.TextField("服务内容", blank=True)
    guide_how = models.TextField("办理流程", blank=True)
    materials = models.JSONField("材料清单", default=list, blank=True)
    fields = models.JSONField("表单字段", default=list, blank=True)
    clocks = models.JSONField("计时规则", default=list, blank=True,
                              help_text="每个时限：key（办理流程中的时限名称）、label、days、unit（working/calendar）；"
                                        "何时起算、暂停和结束由办理流程的各环节决定")
    time_limit_days = models.PositiveSmallIntegerField("承诺时限（工作日）")
    handling_level = models.CharField("承办层级", max_length=8, choices=HandlingLevel.choices,
                                      default=HandlingLevel.TOWN)
    on_behalf = models.BooleanField("允许工作人员代办", default=True)
    templates = models.JSONField("消息模板", default=dict, blank=True,
                                 help_text="按环节（accepted、returned、approved、fulfilled、not_accepted、denied、"
                                           "extended）覆盖默认短信/站内信文字；"
                                           "可用 {item} {number} {reason} {fix} {days}")
    active = models.BooleanField("开放申请", default=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    spec_version = models.PositiveIntegerField("声明版本", default=1, editable=False)

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def material(self, key: str) -> dict | None:
        return next((m for m in self.materials if m["key"] == key), None)

    def field(self, key: str) -> dict | None:
        return next((f for f in self.fields if f["key"] == key), None)

    @property
    def required_materials(self) -> list[dict]:
        return [m for m in self.materials if m.get("required")]


class CaseQuerySet(ScopedQuerySet):
    """Cases are scoped by their handling organisation's id: ``org_id IN (the subtree's ids)``, which the
    queue index answers, instead of a join on the organisation's path, which made SQLite read all
    1.5 million cases of the bench's city for a town's queue."""

    scope_field = "org__path"
    scope_by_id = "org_id"
    scope_inline_ids = True

    def assigned_to(self, user):
        """Partner access: the cases with an assignment to ``user`` that is offered or accepted."""
        return CaseAssignment.objects.filter(user_id=user.pk, status__in=ACTIVE_ASSIGNMENT).values("case_id")

    def open(self):
        from .registry import registry

        return self.exclude(state__in=[*registry.closed_states(), State.DRAFT])


class Case(models.Model):
    """A case (办件): one worker's request for one service item, from draft to its end."""

    number = models.CharField("办件编号", max_length=24, unique=True)
    item = models.ForeignKey(ServiceItem, verbose_name="服务事项", on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey(Worker, verbose_name="申请人", on_delete=models.PROTECT, related_name="cases")
    org = models.ForeignKey(Org, verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    on_behalf = models.BooleanField("代办", default=False)
    state = models.CharField("状态", max_length=20, default=State.DRAFT, db_index=True)
    form = models.JSONField("表单", default=dict, blank=True)
    form_secret = models.BinaryField("表单敏感项（密文）", null=True, blank=True)
    fix_list = models.JSONField("补正清单", null=True, blank=True)
    result = models.JSONField("办理结果", default=dict, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="assigned_cases")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    due_on = models.DateField("当前时限", null=True, blank=True)
    amber_on = models.DateField(null=True, blank=True, editable=False)
    urgency = models.PositiveSmallIntegerField("时限状态", choices=Urgency.choices, default=Urgency.NONE)
    missed_deadline = models.BooleanField("曾超期", default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["urgency", "due_on", "id"], name="case_queue_order"),
            # a centre's queue: its scope (org IN subtree), the state filter, the colour and the order, all
            # read from this index alone (the page's rows are fetched by id afterwards: selectors.LatePage)
            models.Index(fields=["org", "state", "urgency", "due_on", "id"], name="case_org_queue"),
            models.Index(fields=["applicant", "created_at"], name="case_applicant"),
        ]
        permissions = [
            ("handle_case", "受理和办理办件"),
            ("decide_case", "核准或不予核准办件"),
            ("file_on_behalf", "代职工申请（代办）"),
            ("extend_deadline", "批准延长办理时限"),
            ("add_document", "上传办件材料和文书"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def workflow(self):
        from .registry import registry

        return registry.workflow_for(self.item)

    @property
    def is_closed(self) -> bool:
        state = self.workflow.state(self.state)
        return bool(state and state.closed)

    @property
    def state_label(self) -> str:
        """The state's name in the item's workflow (without loading the item when it is not loaded yet:
        every workflow gives a state name the same label, which the system check ensures)."""
        from .registry import registry

        return registry.state_label(self.state, self.item if "item" in self._state.fields_cache else None)

    def secrets(self) -> dict:
        """The sensitive form values in clear (callers audit the view)."""
        import json

        return json.loads(pii.decrypt(self.form_secret, field="case_form")) if self.form_secret else {}

    @property
    def urgency_class(self) -> str:
        return {Urgency.RED: "red", Urgency.AMBER: "amber", Urgency.GREEN: "green"}.get(self.urgency, "none")


class ClockUnit(models.TextChoices):
    WORKING = "working", "工作日"
    CALENDAR = "calendar", "自然日"


class CaseClock(models.Model):
    """One time limit of a case (e.g. decide whether to accept within N days, finish within M)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_set")
    key = models.CharField(max_length=20)
    label = models.CharField("时限", max_length=30)
    unit = models.CharField(max_length=8, choices=ClockUnit.choices, default=ClockUnit.WORKING)
    days = models.PositiveSmallIntegerField("天数")
    started_on = models.DateField("起算日")
    due_on = models.DateField("到期日")
    paused_on = models.DateField("暂停日", null=True, blank=True)
    remaining_at_pause = models.IntegerField(null=True, blank=True)
    stopped_on = models.DateField("结束日", null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField("延长天数", default=0)
    extension_reason = models.CharField("延长理由", max_length=300, blank=True)
    extension_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    missed = models.BooleanField("超期", default=False)

    class Meta:
        verbose_name = "办件时限"
        verbose_name_plural = "办件时限"
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="case_clock_unique")]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.due_on}"

    @property
    def running(self) -> bool:
        return self.stopped_on is None and self.paused_on is None


class AssignmentStatus(models.TextChoices):
    OFFERED = "offered", "待接受"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "已拒绝"
    WITHDRAWN = "withdrawn", "已撤回"


#: the assignment states that give the partner access to the case
ACTIVE_ASSIGNMENT = (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)


class CaseAssignment(models.Model):
    """A case assigned to a partner (a lawyer of a law firm): while offered or accepted, the partner sees the
    case and takes the steps their assignment-scoped role allows on it (orgs.scoping); nothing else. At most
    one assignment of a case is active; a declined or withdrawn one stays on the record."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="受指派人", on_delete=models.PROTECT,
                             related_name="case_assignments")
    partner = models.ForeignKey("accounts.Partner", verbose_name="合作机构", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    status = models.CharField("状态", max_length=10, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.OFFERED)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="指派人", on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    assigned_at = models.DateTimeField("指派时间", default=timezone.now)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    reason = models.CharField("拒绝或撤回原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "指派"
        verbose_name_plural = "指派"
        ordering = ["pk"]
        indexes = [models.Index(fields=["user", "status"], name="case_assignment_user")]
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(status__in=["offered", "accepted"]),
                                               name="case_assignment_one_active")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.user_id} ({self.status})"


class Attachment(models.Model):
    """A photo or scan of one material. The file is stored encrypted (cases.attachments)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    material = models.CharField("材料", max_length=40)
    name = models.CharField("文件名", max_length=120)
    kind = models.CharField(max_length=8)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField(default=1)
    stored = models.CharField(max_length=200)
    preview = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    by_staff = models.BooleanField("工作人员扫描", default=False)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    TRANSITION = "transition", "办理环节"
    NOTE = "note", "内部备注"
    ATTACHMENT = "attachment", "上传材料"
    ASSIGN = "assign", "分派"
    EXTEND = "extend", "延长时限"
    EDIT = "edit", "修改表单"
    RATING = "rating", "评价"
    OVERDUE = "overdue", "超期"
    DOCUMENT = "document", "书面文书"


class CaseEvent(models.Model):
    """A line of the case's timeline. Public events are the worker's progress; the rest is internal."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    name = models.CharField(max_length=20, blank=True)  # the transition's name
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=60)
    text = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case")]

    def __str__(self) -> str:
        return self.title


class DeliveryWay(models.TextChoices):
    """How a notice in writing reaches the applicant (the way they chose)."""

    ONLINE = "online", "网上查阅（短信提醒）"
    POST = "post", "邮寄"
    IN_PERSON = "in_person", "当面送达"


class CaseDocument(models.Model):
    """A notice in writing issued on a case (受理告知书, 答复意见书 …): its text is fixed when it is issued,
    so the PDF printed later says what the applicant was told (cases.documents)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    number = models.CharField("文书编号", max_length=32, unique=True)
    kind = models.CharField("种类", max_length=30)
    title = models.CharField("标题", max_length=40)
    body = models.TextField("正文")
    issuer = models.CharField("出具单位", max_length=100)
    issued_on = models.DateField("出具日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    delivery = models.CharField("送达方式", max_length=12, choices=DeliveryWay.choices, default=DeliveryWay.ONLINE)
    public = models.BooleanField("申请人可见", default=True)

    class Meta:
        verbose_name = "书面文书"
        verbose_name_plural = "书面文书"
        ordering = ["issued_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


class Message(models.Model):
    """An in-app message (站内信): to the worker at each public step; to staff for deadline digests."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=60)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_unread")]

    def __str__(self) -> str:
        return self.title


class RatingScore(models.IntegerChoices):
    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    NEUTRAL = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


class FollowUp(models.TextChoices):
    NONE = "", "无需回访"
    OPEN = "open", "待回访"
    DONE = "done", "已回访"


class Rating(models.Model):
    """好差评: one per case, by the applicant once the case has ended; a poor one opens a follow-up."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField("评价", choices=RatingScore.choices)
    comment = models.CharField("意见", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    follow_up = models.CharField("回访", max_length=4, choices=FollowUp.choices, blank=True, default="")
    follow_up_note = models.CharField("回访情况", max_length=500, blank=True)
    follow_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    follow_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_score_display()}"


class IdempotencyKey(models.Model):
    """The answer given to an API write carrying ``Idempotency-Key``: a retry gets the same answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64)  # method, path and body: the same key for another request
    status = models.PositiveSmallIntegerField(default=0)  # 0 while the first request runs
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique")]

    def __str__(self) -> str:
        return self.key
