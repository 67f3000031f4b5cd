"""Parsing the scheduling forms' texts into service arguments, with the errors in Chinese keyed by field."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from gonghui.core.numbers import parse_day
from gonghui.orgs.models import ServiceCentre

from . import recurrence
from .models import PERM_PROVIDE, Service
from .services import PlaceName


def provider_choices():
    """The users who may be named on a session: holders of an assignment-scoped role that provides."""
    app_label, codename = PERM_PROVIDE.split(".")
    return (get_user_model().objects.filter(
        is_active=True, partner__isnull=False, role_assignments__role__assignment_scoped=True,
        role_assignments__role__permissions__codename=codename,
        role_assignments__role__permissions__content_type__app_label=app_label)
        .select_related("partner").distinct().order_by("partner__name", "username"))


def _day(data, key: str, label: str, errors: dict) -> dt.date | None:
    try:
        return parse_day(data.get(key, ""), label, key, future=True)
    except ValidationError as exc:
        errors[key] = exc.messages[0]
        return None


def common(data, centres, *, services) -> tuple[dict, dict]:
    """Service, centre (and with it the organisation), place and providers."""
    errors: dict = {}
    out: dict = {}
    service = services.filter(code=data.get("service", "")).first()
    if service is None:
        errors["service"] = "请选择服务项目。"
    out["service"] = service
    try:
        centre = centres.filter(pk=int(data.get("centre") or 0)).select_related("org").first()
    except ValueError:
        centre = None
    if centre is None:
        errors["centre"] = "请选择服务中心。"
    out["centre"] = centre
    out["org"] = centre.org if centre else None
    place_name = (data.get("place") or "").strip()[:60]
    out["place"] = PlaceName(centre, place_name) if centre and place_name else None  # made by the service
    chosen = [int(v) for v in data.getlist("providers") if str(v).isdigit()]
    out["providers"] = list(provider_choices().filter(pk__in=chosen))
    return out, errors


def schedule(data, centres) -> dict:
    out, errors = common(data, centres, services=Service.objects.filter(active=True, kind="appointment"))
    out["title"] = (data.get("title") or "").strip()[:60]
    out["weekdays"] = data.getlist("weekdays")
    try:
        out["blocks"] = recurrence.parse_blocks(data.get("blocks", ""))
    except ValidationError as exc:
        errors["blocks"] = exc.messages[0]
    slot = (data.get("slot_minutes") or "").strip()
    if slot and not slot.isdigit():
        errors["slot_minutes"] = "每号时长应为分钟数，例如 30；不分号请留空。"
    out["slot_minutes"] = int(slot) if slot.isdigit() else None
    out["capacity"] = data.get("capacity", "")
    out["starts_on"] = _day(data, "starts_on", "开始日期", errors)
    out["ends_on"] = _day(data, "ends_on", "结束日期", errors)
    out["on_holiday"] = "keep" if data.get("on_holiday") == "keep" else "skip"
    out["on_make_up"] = "hold" if data.get("on_make_up") == "hold" else "skip"
    if errors:
        raise ValidationError(errors)
    out.pop("centre")
    return out


def session(data, centres) -> dict:
    out, errors = common(data, centres, services=Service.objects.filter(active=True, kind="appointment"))
    out["date"] = _day(data, "date", "日期", errors)
    for key, label in (("starts_at", "开始时间"), ("ends_at", "结束时间")):
        try:
            out[key] = recurrence.parse_time(data.get(key, ""))
        except ValidationError:
            errors[key] = f"请填写{label}，例如 09:00。"
    out["capacity"] = data.get("capacity", "")
    if errors:
        raise ValidationError(errors)
    out.pop("centre")
    return out


def course(data, centres) -> dict:
    """A course; its meetings one per line: ``2026-03-04 19:00-20:30``."""
    out, errors = common(data, centres, services=Service.objects.filter(active=True, kind="course"))
    for key in ("title", "completion_title", "description"):
        out[key] = (data.get(key) or "").strip()
    out["capacity"] = data.get("capacity", "")
    out["required"] = data.get("required", "")
    meetings = []
    for n, line in enumerate((data.get("meetings") or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            day_text, times = line.split(None, 1)
            day = parse_day(day_text, "上课日期", future=True)
            [[start, end]] = recurrence.parse_blocks(times)
            meetings.append((day, recurrence.parse_time(start), recurrence.parse_time(end)))
        except (ValueError, ValidationError):
            errors["meetings"] = f"第{n}行“{line}”应写作 2026-03-04 19:00-20:30。"
            break
    out["meetings"] = meetings
    if errors:
        raise ValidationError(errors)
    out.pop("centre")
    return out


def centres_for(user, perm: str):
    return ServiceCentre.objects.visible_to(user, perm).filter(is_active=True).select_related("org")
