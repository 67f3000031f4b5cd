"""Fixtures of the case engine's tests: a few workers in two towns, bound worker accounts, and helpers
that take a case through its steps the way the services do."""

from __future__ import annotations

import io
import random

import pytest
from django.contrib.auth import get_user_model

from gonghui.cases import services
from gonghui.cases.models import ServiceItem
from gonghui.core.idnumber import check_char
from gonghui.registry.models import BindingStatus, Worker, WorkerAccount


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


@pytest.fixture
def people(city):
    """Three workers: 青阳's 王芳 and 李强, 梅岭's 张伟 (written through the importer)."""
    from gonghui.registry.demo_data import make_uscc
    from gonghui.registry.importing import EnterpriseImporter, WorkerImporter
    from tests.files import ENTERPRISE_HEADER, WORKER_HEADER, csv_bytes

    rng = random.Random(7)
    q_code, m_code = make_uscc(rng), make_uscc(rng)
    EnterpriseImporter(scope=city["jinjiang"]).run(csv_bytes(ENTERPRISE_HEADER, [
        ["晋江市青阳办件测试鞋业有限公司", q_code, "青阳街道", "鞋业", 50, "", ""],
        ["晋江市梅岭办件测试服装有限公司", m_code, "梅岭街道", "服装", 30, "", ""],
    ]), "e.csv")
    rows = []
    for name, body, phone, code in [("王芳", "35058219900101002", "13600000001", q_code),
                                    ("李强", "35058219850505003", "13600000002", q_code),
                                    ("张伟", "35058219920202004", "13600000003", m_code)]:
        rows.append([name, body + check_char(body), phone, code, "", "", "", ""])
    result = WorkerImporter(scope=city["jinjiang"]).run(csv_bytes(WORKER_HEADER, rows), "w.csv")
    assert result.created == 3, result.errors
    return {w.name: w for w in Worker.objects.select_related("org", "enterprise").filter(name__in=["王芳", "李强", "张伟"])}


@pytest.fixture
def worker_user(people):
    """Sign-ins of the workers, bound to their records (as /m/ binding leaves them)."""
    from gonghui.orgs.models import Org

    def _make(name: str):
        worker = people[name]
        user = get_user_model().objects.filter(username=worker.phone).first()
        if user is None:
            user = get_user_model().objects.create_user(worker.phone, password="Worker#2026pw", name=name,
                                                        must_change_password=False)
            WorkerAccount.objects.create(user=user, worker=worker, status=BindingStatus.BOUND, name=name,
                                         id_enc=worker.id_enc, id_bidx=worker.id_bidx,
                                         town=Org.objects.get(path=worker.org.path[:8]))
        return user

    return _make


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
