"""The workbench's petition pages as the clerk uses them: mistakes answered in Chinese on the page with
nothing lost, the repeat check shown before registering, the case page's forms, supervision and calls."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.cases.models import Case
from gonghui.petitions.models import HotlineCall, Petition, Supervision
from tests.test_bad_input import HUGE

pytestmark = pytest.mark.django_db


def _form(who, **extra):
    return {"item": "petition", "channel": "visit", "id_number": who["王芳"].id_number_clear(), "kind": "工资报酬",
            "subject": "某鞋厂", "facts": "拖欠工资两个月", "request": "支付工资", "delivery": "邮寄", **extra}


def test_registering_with_mistakes_keeps_what_was_typed(people, client, login):
    login("qingyang_staff")
    url = reverse("petitions:register")
    assert client.get(url).status_code == 200
    for bad, message in (({"id_number": "350582199001010000"}, "身份证"), ({"kind": ""}, "请选择反映类型"),
                         ({"people": "abc"}, "信访人数应为整数"), ({"people": "8"}, "推选的代表"),
                         ({"subject_org": HUGE, "accused_org": HUGE, "kind": "检举控告工会工作人员"}, "被检举控告"),
                         ({"channel": "online"}, "来源渠道")):
        page = client.post(url, _form(people, **bad)).content.decode()
        assert message in page and "拖欠工资两个月" in page, bad
    assert not Case.objects.filter(item__code="petition").exists()
    done = client.post(url, _form(people))
    case = Case.objects.get(item__code="petition")
    assert done.status_code == 302 and done["Location"] == reverse("cases:detail", args=[case.number])
    assert Petition.objects.get(case=case).delivery == "post"
    # the same petitioner again: the earlier case is shown before anything is registered
    page = client.post(url, _form(people)).content.decode()
    assert 'data-testid="possible-repeats"' in page and case.number in page
    assert Case.objects.filter(item__code="petition").count() == 1
    client.post(url, _form(people, repeat_of=str(case.pk)))
    assert Petition.objects.filter(repeat_of=case).count() == 1


def test_the_case_page_routes_answers_and_supervises(people, client, login, staff, city):
    login("city_staff")
    client.post(reverse("petitions:register"), _form(people))
    case = Case.objects.get(item__code="petition")
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-testid="route-transfer"' in page and 'data-testid="route-refer"' in page
    back = client.post(reverse("petitions:route", args=[case.number]), {"step": "transfer", "org": HUGE})
    assert back.status_code == 302 and Case.objects.get(pk=case.pk).org.code == "jinjiang"
    client.post(reverse("petitions:route", args=[case.number]), {"step": "transfer", "org": city["qingyang"].pk})
    assert Case.objects.get(pk=case.pk).org.code == "qingyang"
    client.post(reverse("petitions:supervise_case", args=[case.number]), {"text": "请按期告知", "days": "5"})
    supervision = Supervision.objects.get()
    listed = client.get(reverse("petitions:supervise")).content.decode()
    assert case.number in listed and "王芳" in listed  # the city registered it: it knows who it is
    login("qingyang_staff")
    client.post(reverse("petitions:supervision_answer", args=[supervision.pk]), {"text": "已约谈企业"})
    supervision.refresh_from_db()
    assert supervision.answer == "已约谈企业"
    client.post(reverse("cases:step", args=[case.number, "accept"]))
    short = client.post(reverse("petitions:answer", args=[case.number]), {"step": "reply", "text": "已处理"},
                        follow=True)
    assert "至少10个字" in short.content.decode()
    client.post(reverse("petitions:answer", args=[case.number]), {"step": "reply", "text": "经核实企业已补发全部工资。"})
    assert Case.objects.get(pk=case.pk).state == "replied"


def test_a_call_is_logged_and_a_mistake_explained(client, login, city):
    login("city_staff")
    url = reverse("petitions:calls")
    page = client.post(url, {"caller_phone": "", "kind": "wages", "topic": "咨询"}).content.decode()
    assert "请填写来电号码" in page and not HotlineCall.objects.exists()
    assert client.post(url, {"caller_phone": "13600000001", "kind": "wages", "topic": "咨询最低工资"}).status_code == 302
    assert "咨询最低工资" in client.get(url).content.decode()
