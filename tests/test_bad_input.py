"""Bad numbers in lists and addresses give a clear answer, never a 500 (issue 23, finding 5): a page below
1 or far beyond the last, an id beyond 2^63 (which SQLite cannot even compare), on the API (in its JSON
error shape) and on the workbench."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [
    "/api/v1/cases?page=0", "/api/v1/cases?page=-1", "/api/v1/workers?page=0", "/api/v1/enterprises?page=-5",
    "/api/v1/cases?page_size=0", "/api/v1/cases?page=abc",
])
def test_the_api_refuses_a_bad_page_in_its_json_shape(url, login, city):
    response = login("city_staff").get(url)
    assert response.status_code == 422 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "invalid" and body["detail"].startswith("参数不正确") and body["fields"]


@pytest.mark.parametrize("url", [
    "/api/v1/cases?page=99999999999", f"/api/v1/workers/{HUGE}", "/api/v1/workers/9223372036854775808",
    f"/api/v1/cases?town_id={HUGE}", f"/desk/workers/?page={HUGE}", "/desk/workers/?page=0",
    "/desk/workers/export.xlsx?page=-1", f"/desk/workers/?org={HUGE}", f"/desk/workers/?enterprise={HUGE}",
    "/desk/cases/?page=0", f"/desk/cases/?town={HUGE}", f"/desk/workers/{HUGE}/", f"/desk/enterprises/?town={HUGE}",
    f"/desk/cases/new/?worker={HUGE}&item=ticket_home", f"/desk/payments/?town={HUGE}",
    f"/desk/assistance/?page={HUGE}", "/desk/assistance/?page=0&status=x&category=y",
    f"/desk/assistance/festival/{HUGE}/", f"/desk/assistance/festival/visits/{HUGE}/receipt/",
    "/desk/assistance/golden-autumn/?year=abc", f"/dash/assistance/?year={HUGE}",
    "/desk/assistance/publicise/?item=nothing",
    f"/desk/model-workers/?page={HUGE}", f"/desk/model-workers/?unit={HUGE}&level=x&status=y&q=%20",
    f"/desk/model-workers/{HUGE}/", f"/desk/model-workers/{HUGE}/certificate/", f"/desk/model-workers/checks/{HUGE}/",
    "/desk/model-workers/checks/?by=abc&page=0", f"/desk/model-workers/allowances/{HUGE}/",
    f"/desk/model-workers/recuperation/{HUGE}/", f"/dash/model-workers/?year={HUGE}", "/dash/model-workers/?year=x",
    f"/dash/petitions/?year={HUGE}", "/desk/petitions/supervise/?only=abcdefgh", "/desk/petitions/register/?item=x",
    f"/desk/cases/XF-2026-{HUGE}/documents/{HUGE}.pdf",
    f"/desk/scheduling/?from=abc&service=x&page={HUGE}", f"/desk/scheduling/sessions/{HUGE}/",
    f"/desk/scheduling/sessions/{HUGE}/?q=%20", f"/desk/scheduling/courses/{HUGE}/", "/desk/scheduling/checkin/?code=%00",
    f"/desk/scheduling/checkin/?code={HUGE}", f"/desk/health/records/{HUGE}/", f"/desk/counselling/contacts/{HUGE}/",
    f"/desk/counselling/bookings/{HUGE}/", f"/desk/counselling/mailbox/{HUGE}/", f"/dash/scheduling/?year={HUGE}",
    f"/m/bookings/s/spine_clinic/?org={HUGE}", "/m/bookings/s/nothing/", f"/m/bookings/YY-2026-{HUGE}/",
])
def test_no_500_for_numbers_out_of_range(url, login, city, people):
    response = login("city_staff").get(url)
    assert response.status_code in (200, 302, 403, 404, 422), (url, response.status_code)
    if url.startswith("/api/") and response.status_code != 200:
        assert response.json()["code"] in ("not_found", "invalid")


def test_a_crash_on_the_api_answers_in_json_with_an_incident_id(login, city, monkeypatch):
    from gonghui.cases import selectors

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "queue", boom)
    client = login("city_staff")
    client.raise_request_exception = False
    response = client.get("/api/v1/cases")
    assert response.status_code == 500 and response.json()["code"] == "error"
    assert response.json()["incident"] in response.json()["detail"]


@pytest.mark.parametrize("url", [
    f"/desk/assistance/festival/visits/{HUGE}/", f"/desk/assistance/cases/KNDA-2026-000001/members/{HUGE}/remove/",
    f"/m/assistance/cases/KNDA-2026-000001/members/{HUGE}/remove/",
    f"/m/aid/cases/KNDA-2026-000001/invoices/{HUGE}/remove/",
    f"/desk/model-workers/{HUGE}/visits/", f"/desk/model-workers/{HUGE}/checks/", f"/desk/model-workers/{HUGE}/bank/",
    f"/desk/model-workers/recuperation/members/{HUGE}/remove/", f"/desk/model-workers/recuperation/{HUGE}/",
    f"/desk/scheduling/sessions/{HUGE}/book/", f"/desk/scheduling/sessions/{HUGE}/cancel/",
    f"/desk/scheduling/sessions/{HUGE}/close/", f"/desk/scheduling/bookings/{HUGE}/check-in/",
    f"/desk/scheduling/bookings/{HUGE}/cancel/", f"/desk/scheduling/courses/{HUGE}/complete/",
    f"/desk/scheduling/suspensions/{HUGE}/lift/", f"/desk/counselling/risks/{HUGE}/disclose/",
    "/m/bookings/s/spine_clinic/book/", f"/m/bookings/YY-2026-{HUGE}/cancel/",
])
def test_no_500_for_a_post_to_an_id_out_of_range(url, login, city, people):
    response = login("city_staff").post(url, {"visited_on": "x"})
    assert response.status_code in (302, 403, 404), (url, response.status_code)


def test_the_festival_form_refuses_nonsense(login, city):
    client = login("city_staff")
    response = client.post("/desk/assistance/festival/", {"org": HUGE, "year": "2027", "name": "x"}, follow=True)
    assert response.status_code == 200 and "请选择组织单位" in response.content.decode()
    response = client.post("/desk/assistance/publicise/?item=hardship_file", {"cases": [HUGE, "abc"], "on": "abc"},
                           follow=True)
    assert response.status_code == 200 and "公示张贴日期应为今天或30天以内的日期" in response.content.decode()
    response = client.post("/desk/assistance/publicise/?item=hardship_file", {"cases": [HUGE, "abc"]}, follow=True)
    assert response.status_code == 200 and "请选择要公示的对象" in response.content.decode()


def test_the_model_workers_forms_refuse_nonsense(login, city):
    from gonghui.model_workers.models import RecuperationGroup

    client = login("city_staff")
    response = client.post("/desk/model-workers/recuperation/", {"name": "x", "starts_on": "abc", "days": "99",
                                                                 "destination": "y", f"places_{HUGE}": "3"},
                           follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "出发日期" in page and "天数应为1至30" in page
    group = RecuperationGroup.objects.create(name="g", starts_on="2099-01-01", destination="d")
    response = client.post(f"/desk/model-workers/recuperation/{group.pk}/", {"model_worker": HUGE})
    assert response.status_code == 404
    response = client.post("/desk/model-workers/add/", {"id_number": "abc", "year_awarded": HUGE, "org": HUGE})
    page = response.content.decode()
    assert response.status_code == 200 and "请选择称号" in page and "请填写正确的授予年份" in page
    assert "身份证号" in page[page.index('data-testid="form-errors"'):]
