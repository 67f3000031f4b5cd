"""Fixtures of the case engine's tests: a few workers in two towns, bound worker accounts, and helpers
that take a case through its steps the way the services do."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model

from gonghui.cases import services
from gonghui.cases.models import ServiceItem


def png(colour=(200, 210, 220), size=(64, 48)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg(size=(3000, 2000)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(out, "JPEG", quality=60)
    return out.getvalue()


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _no_yearly_limit():
    """The engine's tests file many tickets for one worker: the errand's once-a-year limit is lifted here
    (tests/cases/test_limits.py tests the limit itself)."""
    from dataclasses import replace

    from gonghui.cases.registry import registry

    with registry.temporarily():
        registry.items["ticket_home"] = replace(registry.items["ticket_home"], limit={})
        yield


@pytest.fixture
def ticket(db):
    return ServiceItem.objects.get(code="ticket_home")


@pytest.fixture
def exam(db):
    return ServiceItem.objects.get(code="driving_exam")


def ticket_form(worker, **extra) -> dict:
    import datetime as dt

    return {"from_station": "晋江站", "to_station": "贵阳北站",
            "travel_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(), "seat": "硬座",
            "passengers": "1", "passenger_names": worker.name, "passenger_ids": worker.id_number_clear(),
            "contact_phone": worker.phone, **extra}


@pytest.fixture
def submitted(ticket, worker_user, people):
    """A ticket case of 王芳, submitted by her with both required materials."""

    def _make(name="王芳"):
        user = worker_user(name)
        case = services.case_create(actor=user, item=ticket, data=ticket_form(people[name]))
        for material in ("id_card", "employment"):
            services.attachment_add(actor=user, case=case, material=material, name=f"{material}.png", data=png())
        return services.transition(actor=user, case=case, name="submit")

    return _make


def fresh(user):
    """The same user without cached permissions (as the next request would load it)."""
    return get_user_model().objects.get(pk=user.pk)
