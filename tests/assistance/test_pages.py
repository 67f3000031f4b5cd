"""The pages as their users meet them: the worker's household on the phone (mistakes said in Chinese, ID
numbers masked), the town clerk's file page, list and notice page, festival visits, the leaders' figures."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.assistance.models import HardshipFile
from gonghui.cases.models import Case, ServiceItem
from gonghui.notices.models import PublicNotice
from tests.assistance.conftest import FILE_FORM, member_id

pytestmark = pytest.mark.django_db


def _phone(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_worker_builds_the_household_on_the_phone(worker_user, people):
    user = worker_user("王芳")
    phone = _phone(user)
    from gonghui.cases import services as cases

    case = cases.case_create(actor=user, item=ServiceItem.objects.get(code="hardship_file"), data=FILE_FORM)
    page = phone.get(f"/m/cases/{case.number}/").content.decode()
    assert "请先填写您本人" in page and 'name="relation"' in page
    url = f"/m/assistance/cases/{case.number}/members/"
    wrong = phone.post(url, {"relation": "self", "name": "王芳", "id_number": "350582199001010000", "income": "24000"},
                       follow=True).content.decode()
    assert "身份证号校验位错误，请核对号码" in wrong
    own = people["王芳"].id_number_clear()
    phone.post(url, {"relation": "self", "name": "王芳", "id_number": own, "income": "24000", "health": "healthy",
                     "employment": "employed", "schooling": "none"})
    phone.post(url, {"relation": "child", "name": "陈子涵", "income": "0", "health": "healthy",
                     "employment": "student", "schooling": "university",
                     "id_number": member_id(people["王芳"], timezone.localdate().replace(year=2008), 31)})
    page = phone.get(f"/m/cases/{case.number}/").content.decode()
    assert "家庭成员（2人）" in page and "陈子涵" in page and own not in page
    assert own[:6] + "*" * 10 + own[-4:] in page
    remove = re.search(r'action="(/m/assistance/cases/[^"]+/remove/)"', page).group(1)
    phone.post(remove)
    assert HardshipFile.objects.get(case=case).members.count() == 1


def test_the_clerk_works_the_file_from_the_desk(visited, staff, login, second_factor):
    case = visited()
    client = login("qingyang_staff")
    second_factor(client, staff["qingyang_staff"])
    page = client.get(f"/desk/cases/{case.number}/").content.decode()
    assert "认定：深度困难" in page and "加入公示" in page and "陈志强、黄丽娟" in page
    listed = client.get("/desk/assistance/?status=applying").content.decode()
    assert case.number in listed and "375.00" in listed
    notice_page = client.get("/desk/assistance/publicise/?item=hardship_file").content.decode()
    assert case.number in notice_page
    response = client.post("/desk/assistance/publicise/?item=hardship_file",
                           {"cases": [case.pk], "title": "青阳街道困难职工建档公示", "on": str(timezone.localdate())})
    notice = PublicNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/notices/{notice.number}/"
    assert Case.objects.get(pk=case.pk).state == "noticed"
    page = client.get(f"/desk/cases/{case.number}/").content.decode()
    assert notice.number in page and f"公示期至{notice.closes_on:%Y-%m-%d}，期满后方可审批" in page
    # a second post of the same page (a double click) publishes nothing more
    again = client.post("/desk/assistance/publicise/?item=hardship_file", {"cases": [case.pk]}, follow=True)
    assert "请选择要公示的对象" in again.content.decode() and PublicNotice.objects.count() == 1


def test_festival_and_figures_pages(on_file, staff, login, second_factor, city):
    case = on_file()
    client = login("city_staff")
    second_factor(client, staff["city_staff"])
    response = client.post("/desk/assistance/festival/", {
        "org": city["jinjiang"].pk, "year": "2027", "name": "2027年春节送温暖", "amount_deep": "5000",
        "amount_relative": "3000", "amount_accident": "3000"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "王芳" in page and 'value="5000' in page
    bad = client.post("/desk/assistance/festival/", {"org": city["jinjiang"].pk, "year": "x", "name": "y"},
                      follow=True).content.decode()
    assert "请填写正确的年度" in bad
    figures = client.get("/dash/assistance/").content.decode()
    assert "在档困难职工（户）" in figures and "青阳街道总工会" in figures
    home = client.get("/dash/").content.decode()
    assert "困难帮扶" in home
    assert case.number in client.get("/desk/assistance/?status=on_file").content.decode()
    assert client.get("/desk/assistance/golden-autumn/").status_code == 200
