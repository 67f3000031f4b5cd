"""The catalogue as modules declare it: service items (``Item``), their forms and their clocks.

A module declares its service items in its ``AppConfig.ready()`` through the registry (cases.registry)::

    from gonghui.cases.registry import registry
    registry.declare(catalogue.Item(code="ticket_home", prefix="HXCP", name="…", fields=[…], …))

After every ``migrate`` the declarations are written to ``ServiceItem`` (``sync_items``): a missing item
is created; an existing one gets its *structure* (fields, materials, clocks, module) again when the
declaration's ``version`` is higher than the stored one, while the texts, time limit and message
templates stay as the system administrator left them in the admin.

A simple item needs nothing else: the form is validated from its field declarations, the materials
list from its materials, deadlines from its clocks (``{"key", "label", "days"}``, each a clock its
workflow knows; ``"unit"`` overrides the workflow's). Its states and steps are those of its workflow
(``Item.workflow``, cases.states); module code attaches to an item through one ``Handler``.

A material is the applicant's to give unless it says ``"by": "staff"`` (a home visit's photos, a lawyer's
documents): the applicant is then not offered it and may not upload it; staff scan it as any other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from gonghui.core import idnumber, personnames, pii

FIELD_TYPES = {
    "text": "文本", "name": "姓名", "textarea": "多行文本", "number": "数字", "money": "金额", "date": "日期",
    "choice": "选项", "id_number": "身份证号", "phone": "手机号", "bank_card": "银行卡号",
}
SENSITIVE_TYPES = ("id_number", "bank_card")
CATEGORIES = ["生活服务", "医疗互助", "困难帮扶", "法律服务", "技能培训", "就业服务", "文体活动", "劳模服务",
              "信访接待", "其他"]
DEFAULT_MATERIAL_FORMATS = "JPG、PNG、HEIC 照片或 PDF"


@dataclass(frozen=True)
class Item:
    code: str
    prefix: str
    name: str
    module: str
    category: str
    time_limit_days: int
    summary: str = ""
    guide_who: str = ""
    guide_what: str = ""
    guide_how: str = ""
    materials: list[dict] = field(default_factory=list)
    fields: list[dict] = field(default_factory=list)
    clocks: list[dict] = field(default_factory=list)
    handling_level: str = "town"
    on_behalf: bool = True
    templates: dict = field(default_factory=dict)
    order: int = 100
    version: int = 1
    workflow: str = "standard"
    # how often one worker may apply, as the guide states it: {"count": 1, "period": "year"} (a calendar year)
    limit: dict = field(default_factory=dict)
    # what staff record when taking a step (field specs, as ``fields``): kept in the case's result, shown to
    # the worker and carried by the step's message ({result}); e.g. the ticket bought, at 办结
    step_fields: dict = field(default_factory=dict)


def declare(item: Item) -> None:
    """Declare a service item (``registry.declare``)."""
    from .registry import registry

    registry.declare(item)


def declared() -> dict[str, Item]:
    from .registry import registry

    return registry.declared()


def check_declaration(item: Item) -> None:
    """A declaration that would break forms at run time fails at start-up instead."""
    if not re.fullmatch(r"[A-Z]{2,8}", item.prefix):
        raise ValueError(f"{item.code}: prefix must be 2-8 capital letters")
    if item.category not in CATEGORIES:
        raise ValueError(f"{item.code}: unknown category {item.category!r}")
    keys = set()
    for spec in item.fields:
        if spec["type"] not in FIELD_TYPES:
            raise ValueError(f"{item.code}.{spec['key']}: unknown field type {spec['type']!r}")
        if spec["type"] == "choice" and not spec.get("choices"):
            raise ValueError(f"{item.code}.{spec['key']}: a choice needs choices")
        keys.add(spec["key"])
    if len(keys) != len(item.fields):
        raise ValueError(f"{item.code}: field keys repeat")
    if len({m["key"] for m in item.materials}) != len(item.materials):
        raise ValueError(f"{item.code}: material keys repeat")
    for spec in item.materials:
        if spec.get("by", "applicant") not in ("applicant", "staff"):
            raise ValueError(f"{item.code}.{spec['key']}: a material is given by the applicant or by staff")
        if spec.get("by") == "staff" and spec.get("required"):
            raise ValueError(f"{item.code}.{spec['key']}: a material staff add cannot be required of the applicant")
    for spec in item.fields:
        if spec.get("prefill") not in (None, "name", "phone", "enterprise"):
            raise ValueError(f"{item.code}.{spec['key']}: prefill must be name, phone or enterprise")
        for other in spec.get("count_of", ()):
            if other not in keys:
                raise ValueError(f"{item.code}.{spec['key']}: count_of names the unknown field {other!r}")
    for step, specs in item.step_fields.items():
        for spec in specs:
            if spec["type"] not in FIELD_TYPES or spec["type"] in SENSITIVE_TYPES:
                raise ValueError(f"{item.code}.step_fields[{step}].{spec['key']}: a field type staff may record")
    if item.limit and (not isinstance(item.limit.get("count"), int) or item.limit["count"] < 1
                       or item.limit.get("period", "year") != "year"):
        raise ValueError(f"{item.code}: limit needs a positive count per year")
    for clock in item.clocks:
        if not isinstance(clock.get("days"), int) or clock["days"] < 1 or clock.get("unit", "working") not in (
                "working", "calendar"):
            raise ValueError(f"{item.code}: clock {clock.get('key')} needs days (a positive number) and a unit")


def effective_clocks(clocks: list[dict], time_limit_days: int) -> list[dict]:
    """The item's clocks; without any, one: ``finish`` within the committed limit (its workflow says when
    it starts and stops)."""
    if clocks:
        return [dict(c) for c in clocks]
    return [{"key": "finish", "label": "承诺办结时限", "days": time_limit_days}]


def sync_items(**kwargs) -> None:
    """post_migrate: write the declared items into the catalogue (see the module docstring)."""
    from django.db import connections

    from .models import ServiceItem

    using = kwargs.get("using", "default")
    if ServiceItem._meta.db_table not in connections[using].introspection.table_names():
        return
    from .registry import registry

    for item in registry.items.values():
        structure = {"materials": item.materials, "fields": item.fields, "clocks": item.clocks,
                     "module": item.module, "spec_version": item.version}
        row = ServiceItem.objects.using(using).filter(code=item.code).first()
        if row is None:
            ServiceItem.objects.using(using).create(
                code=item.code, prefix=item.prefix, name=item.name, category=item.category,
                summary=item.summary, guide_who=item.guide_who, guide_what=item.guide_what,
                guide_how=item.guide_how, time_limit_days=item.time_limit_days,
                handling_level=item.handling_level, on_behalf=item.on_behalf, templates=item.templates,
                order=item.order, **structure)
        elif row.spec_version < item.version:
            ServiceItem.objects.using(using).filter(pk=row.pk).update(**structure)


# --- the form ------------------------------------------------------------------------------------------

def _lines(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,，;；、\s]+", value) if part.strip()]


def _clean_value(spec: dict, raw: str):
    """The value of one field, or ValidationError (message in Chinese). ``raw`` is not blank."""
    kind, label = spec["type"], spec["label"]
    if kind in ("text", "textarea"):
        limit = spec.get("max_length", 500 if kind == "textarea" else 100)
        if len(raw) > limit:
            raise ValidationError(f"{label}不能超过{limit}个字。")
        return raw
    if kind in ("number", "money"):
        try:
            number = Decimal(raw.replace(",", "").replace("，", "").replace("元", ""))
        except InvalidOperation as exc:
            raise ValidationError(f"{label}应为数字。") from exc
        if not number.is_finite():
            raise ValidationError(f"{label}应为数字。")
        if kind == "number" and number != number.to_integral_value():
            raise ValidationError(f"{label}应为整数。")
        if "min" in spec and number < Decimal(str(spec["min"])):
            raise ValidationError(f"{label}不能小于{spec['min']}。")
        if "max" in spec and number > Decimal(str(spec["max"])):
            raise ValidationError(f"{label}不能大于{spec['max']}。")
        return int(number) if kind == "number" else str(number.quantize(Decimal("0.01")))
    if kind == "date":
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise ValidationError(f"{label}不是有效日期（格式：2026-01-31）。") from exc
        if spec.get("future") and value < dt.date.today():
            raise ValidationError(f"{label}不能早于今天。")
        return value.isoformat()
    if kind == "name":  # a person's name, or several (``multiple``), each checked as a name
        values = _lines(raw) if spec.get("multiple") else [raw]
        if spec.get("multiple") and len(values) > spec.get("max_items", 10):
            raise ValidationError(f"{label}最多{spec.get('max_items', 10)}个。")
        try:
            names = [personnames.clean(v) for v in values]
        except personnames.NameInvalid as exc:
            raise ValidationError(f"{label}：{exc}。") from None
        return "、".join(names)
    if kind == "choice":
        # ``accept``: values taken though not offered, so that the handler's check_form can say why it
        # refuses them ("you are not enrolled in …") instead of "choose from the list"
        if raw not in spec["choices"] and raw not in spec.get("accept", ()):
            raise ValidationError(f"请从列表中选择{label}。")
        return raw
    if kind == "phone":
        digits = re.sub(r"[\s-]", "", raw)
        if not re.fullmatch(r"1[3-9]\d{9}", digits):
            raise ValidationError(f"{label}应为11位手机号。")
        return digits
    if kind == "id_number":
        values = _lines(raw) if spec.get("multiple") else [raw]
        if spec.get("multiple") and len(values) > spec.get("max_items", 10):
            raise ValidationError(f"{label}最多{spec.get('max_items', 10)}个。")
        out = []
        for value in values:
            try:
                out.append(idnumber.parse(value).value)
            except idnumber.IdNumberError as exc:
                shown = pii.mask_id(value) if len(value) > 10 else value
                raise ValidationError(f"{label}“{shown}”无效：{exc}") from exc
        return out if spec.get("multiple") else out[0]
    if kind == "bank_card":
        digits = re.sub(r"[\s-]", "", raw)
        if not re.fullmatch(r"\d{12,19}", digits):
            raise ValidationError(f"{label}应为12至19位数字。")
        return digits
    raise ValueError(kind)


def _masked(spec: dict, value):
    mask = pii.mask_id if spec["type"] == "id_number" else pii.mask_bank
    return [mask(v) for v in value] if isinstance(value, list) else mask(value)


def clean_form(item, data: dict, *, require: bool, fields: list[dict] | None = None) -> tuple[dict, dict]:
    """Validate the posted values of ``item``'s fields (or ``fields``: the form as the applicant sees it,
    its choices narrowed or filled in by the item's handler from data, e.g. this year's products).
    Returns ``(form, secrets)``: ``form`` holds what is shown (sensitive numbers masked), ``secrets`` the
    sensitive numbers in clear (stored encrypted). Every problem is reported at once, keyed by field;
    ``require`` also demands the required fields."""
    form, secrets, errors = {}, {}, {}
    fields = item.fields if fields is None else fields
    for spec in fields:
        raw = data.get(spec["key"])
        raw = "\n".join(raw) if isinstance(raw, list) else str(raw if raw is not None else "").strip()
        if not raw:
            if require and spec.get("required"):
                verb = "选择" if spec["type"] == "choice" else "填写"
                errors[spec["key"]] = [f"请{verb}{spec['label']}。"]
            continue
        try:
            value = _clean_value(spec, raw)
        except ValidationError as exc:
            errors[spec["key"]] = exc.messages
            continue
        if spec["type"] in SENSITIVE_TYPES:
            secrets[spec["key"]] = value
            form[spec["key"]] = _masked(spec, value)
        else:
            form[spec["key"]] = value
    for spec in fields:  # a number that counts what other fields list (passengers and their names)
        if spec.get("count_of") and spec["key"] in form and spec["key"] not in errors:
            for other in spec["count_of"]:
                listed = secrets.get(other, form.get(other))
                if listed in (None, "", []):
                    continue
                n = len(listed) if isinstance(listed, list) else len(_lines(str(listed)))
                if n != form[spec["key"]]:
                    label = next(f["label"] for f in fields if f["key"] == other)
                    errors.setdefault(other, []).append(
                        f"{spec['label']}为{form[spec['key']]}，但{label}填了{n}个，请核对。")
    if errors:
        raise ValidationError(errors)
    return form, secrets


def display_rows(item, form: dict) -> list[tuple[str, str, str]]:
    """``(key, label, shown value)`` for each field of the form, in the declared order."""
    rows = []
    for spec in item.fields:
        value = form.get(spec["key"], "")
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        if spec["type"] == "money" and value != "":
            value = f"{value} 元"
        rows.append((spec["key"], spec["label"], str(value)))
    return rows
