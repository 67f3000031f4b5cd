"""An accusation against a union's staff is never routed to, nor found by, the union accused or any union
below it: not by list, search, archive, export, API, supervision list, dashboard count or digest."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.cases import services as cases
from gonghui.cases.models import Message, ServiceItem
from gonghui.petitions import figures, services
from gonghui.petitions.models import Petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def accusation(register, staff, city, today):
    """张伟 (a worker of 梅岭) accuses a 梅岭 union official, at the city centre."""
    today(dt.date(2026, 5, 6))
    return register("city_staff", person="张伟", accused_org=city["meiling"], accused_person="梅岭某干部",
                    form={"kind": "检举控告工会工作人员", "subject": "梅岭街道总工会某干部", "facts": "克扣困难职工慰问金。"})


def test_it_is_handled_by_the_city_and_never_routed_to_the_accused_town(accusation, staff, city):
    assert accusation.org.code == "jinjiang"
    for route in (lambda: services.transfer(actor=staff["city_staff"], case=accusation, org=city["meiling"]),
                  lambda: services.dispatch(actor=staff["city_staff"], case=accusation, org=city["meiling"])):
        with pytest.raises(ValidationError, match="被检举控告"):
            route()
    accepted = cases.transition(actor=staff["city_staff"], case=accusation, name="accept")
    from gonghui.orgs.models import Org

    below = Org.objects.filter(path__startswith=city["meiling"].path, depth=3).first()
    with pytest.raises(ValidationError):  # not to the accused town, and not to a union below it
        services.assign_down(actor=staff["city_staff"], case=accepted, org=below, due_on="2026-06-01")
    moved = services.assign_down(actor=staff["city_staff"], case=accepted, org=city["qingyang"], due_on="2026-06-01")
    assert moved.org.code == "qingyang"


def test_the_accused_towns_staff_cannot_register_it_themselves(register, city):
    with pytest.raises(ValidationError, match="不得登记办理"):
        register("meiling_staff", person="张伟", accused_org=city["meiling"],
                 form={"kind": "检举控告工会工作人员", "facts": "某干部作风问题"})


def test_the_accused_town_finds_it_nowhere(accusation, staff, people, client, login, today):
    number = accusation.number
    login("meiling_staff")
    pages = [reverse("cases:queue") + "?state=all", reverse("cases:queue") + f"?state=all&q={number}",
             reverse("cases:queue") + "?state=all&q=张伟", reverse("registry:worker_detail", args=[people["张伟"].pk]),
             reverse("petitions:supervise"), reverse("dash:home"), reverse("petitions_dash:figures") + "?year=2026"]
    link = reverse("cases:detail", args=[number])
    for url in pages:  # (a search page repeats what was typed: the case's link must not be there)
        response = client.get(url)
        assert response.status_code == 200 and link not in response.content.decode(), url
        assert "检举控告" not in response.content.decode() or url.endswith("year=2026"), url
    assert client.get(reverse("cases:detail", args=[number])).status_code == 404
    for export in (reverse("cases:queue_export") + "?state=all", reverse("petitions:supervise_export")):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(client.get(export).content))
        cells = [str(c.value) for row in book.active.iter_rows() for c in row]
        assert number not in cells, export
    api = client.get("/api/v1/cases?state=all&item=petition")
    assert number not in api.content.decode()
    assert client.get(f"/api/v1/cases/{number}").status_code == 404
    assert figures.petition_figures(user=staff["meiling_staff"], year=2026)["total"] == 0
    assert figures.petition_figures(user=staff["city_staff"], year=2026)["total"] == 1
    # 张伟 comes to 梅岭 with another matter: no hint of the accusation in the repeat check
    other = services.register(actor=staff["meiling_staff"], item_code="petition", channel="visit",
                              id_number=people["张伟"].id_number_clear(),
                              form={"kind": "工资报酬", "facts": "欠薪", "request": "支付", "subject": "某厂"})
    assert other.state == "submitted"
    # overdue: the digest goes to the city, never to 梅岭
    today(dt.date(2026, 6, 1))
    from gonghui.cases.tasks import run_daily

    run_daily(dt.date(2026, 6, 1))
    assert Message.objects.filter(recipient=staff["city_staff"], body__contains=number).exists()
    assert not Message.objects.filter(recipient=staff["meiling_staff"], body__contains=number).exists()


def test_an_accusation_sent_from_the_phone_goes_to_the_city_which_records_the_accused(worker_user, staff, city):
    user = worker_user("张伟")
    case = cases.case_create(actor=user, item=ServiceItem.objects.get(code="petition"), submit=True, data={
        "kind": "检举控告工会工作人员", "subject": "梅岭街道总工会某干部", "facts": "克扣慰问金。", "request": "查处",
        "delivery": "邮寄"})
    assert case.org.code == "jinjiang"
    with pytest.raises(ValidationError, match="先登记被检举控告的单位"):
        services.transfer(actor=staff["city_staff"], case=case, org=city["qingyang"])
    services.accused_set(actor=staff["city_staff"], case=case, org=city["meiling"], person="某干部")
    assert Petition.objects.get(case=case).accused_org == city["meiling"]
    with pytest.raises(ValidationError, match="被检举控告"):
        services.transfer(actor=staff["city_staff"], case=case, org=city["meiling"])


def test_registration_through_the_api_keeps_the_same_rules(staff, people, client, login, city):
    login("qingyang_staff")
    body = {"id_number": people["王芳"].id_number_clear(), "kind": "wages", "subject": "某鞋厂", "facts": "欠薪两个月",
            "request": "支付工资"}
    created = client.post("/api/v1/petitions", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    first = created.json()["number"]
    assert created.json()["org"] == city["qingyang"].name
    assert Petition.objects.get(case__number=first).channel == "api"
    again = client.post("/api/v1/petitions", json.dumps(body), content_type="application/json")
    assert again.status_code == 422 and first in again.json()["detail"]
    flagged = client.post("/api/v1/petitions", json.dumps({**body, "repeat_of": first}), content_type="application/json")
    assert flagged.status_code == 201
    own = client.post("/api/v1/petitions", json.dumps({**body, "kind": "accusation", "accused_org_code": "qingyang",
                                                      "repeat_note": "新的事项"}), content_type="application/json")
    assert own.status_code == 422 and "不得登记办理" in own.json()["detail"]
