"""The workbench as a staff member sees it: their subtree, never a sibling's."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.orgs.models import Org, ServiceCentre


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/")


def test_login_with_a_wrong_password_says_so_in_chinese(client, city):
    response = client.post("/desk/login/", {"username": "qingyang_staff", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_staff_log_in_and_see_their_organisation(client, city):
    from gonghui.accounts.demo_accounts import DEMO_PASSWORD

    client.post("/desk/login/", {"username": "qingyang_staff", "password": DEMO_PASSWORD})
    response = client.get("/desk/")  # the organisation tree (staff land on their queue: see below)
    page = response.content.decode()
    assert response.status_code == 200
    assert "青阳街道总工会" in page
    assert "陈志强" in page
    assert "梅岭街道" not in page


def test_logout_ends_the_session(login, city):
    client = login("qingyang_staff")
    assert client.get("/desk/").status_code == 200
    assert client.post("/desk/logout/").status_code == 302
    assert client.get("/desk/").status_code == 302


def test_qingyang_staff_cannot_open_meiling_pages(login, city):
    client = login("qingyang_staff")
    meiling = city["meiling"]
    assert client.get(reverse("desk:org_detail", args=[meiling.pk])).status_code == 404
    assert client.get(reverse("desk:org_detail", args=[city["jinjiang"].pk])).status_code == 404
    centre = ServiceCentre.objects.get(name="梅岭街道职工服务中心")
    assert client.get(reverse("desk:centre_detail", args=[centre.pk])).status_code == 404
    assert client.get(reverse("desk:centre_list"), {"org": meiling.pk}).status_code == 404
    not_found = client.get(reverse("desk:org_detail", args=[meiling.pk])).content.decode()
    assert "页面不存在" in not_found and "梅岭" not in not_found


def test_centre_list_shows_only_the_users_subtree(login, city):
    client = login("qingyang_staff")
    page = client.get(reverse("desk:centre_list")).content.decode()
    assert "青阳街道职工服务中心" in page
    assert "青阳街道环卫工人爱心服务点" in page
    assert "梅岭街道职工服务中心" not in page
    assert "晋江市职工服务中心" not in page


def test_city_staff_filter_centres_by_town_and_kind(login, city):
    client = login("city_staff")
    page = client.get(reverse("desk:centre_list"), {"org": city["meiling"].pk, "kind": "sanitation"})
    html = page.content.decode()
    assert "梅岭街道环卫工人爱心服务点" in html
    assert "梅岭街道职工服务中心" not in html
    assert "共 1 个" in html
    searched = client.get(reverse("desk:centre_list"), {"q": "磁灶东山"}).content.decode()
    assert "磁灶东山瓷砖建材市场职工服务中心" in searched and "共 1 个" in searched


def test_town_page_lists_children_and_centres(login, city):
    client = login("qingyang_staff")
    page = client.get(reverse("desk:home")).content.decode()
    child = Org.objects.get_children(city["qingyang"]).first()
    assert child.name in page
    assert "环卫工人爱心服务点" in page
    centre = ServiceCentre.objects.get(name="青阳街道职工服务中心")
    detail = client.get(reverse("desk:centre_detail", args=[centre.pk])).content.decode()
    for text in ("热线电话", "扫描仪", "泉州市级示范点", centre.address, "周一至周五"):
        assert text in detail


def test_org_page_runs_the_same_number_of_queries_for_a_town_and_the_city(login, city):
    client = login("city_staff")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    city_queries = count(reverse("desk:org_detail", args=[city["jinjiang"].pk]))
    town_queries = count(reverse("desk:org_detail", args=[city["chendai"].pk]))
    community = Org.objects.get_children(city["chendai"]).filter(numchild__gt=0).first()
    community_queries = count(reverse("desk:org_detail", args=[community.pk]))
    list_queries = count(reverse("desk:centre_list"))
    list_page_2 = count(reverse("desk:centre_list") + "?page=2")
    # a town has dozens of children and centres below it, a community a handful: same query count
    # (the city's page has no breadcrumbs above it to fetch: one fewer)
    assert town_queries == community_queries
    assert city_queries <= town_queries
    assert list_queries == list_page_2
    assert city_queries <= 20  # includes the per-request session, second-factor and permission look-ups


def test_user_without_an_organisation_is_told_so(client, db):
    from django.contrib.auth import get_user_model

    lonely = get_user_model().objects.create_user("lonely", password="Lonely#2026x", must_change_password=False)
    client.force_login(lonely)
    response = client.get("/desk/")
    assert response.status_code == 403
    assert "尚未被授予任何组织的角色" in response.content.decode()


def test_system_administrator_reaches_the_django_admin(login, city, staff, second_factor):
    client = login("admin")
    assert client.get("/admin/orgs/org/")["Location"] == "/desk/2fa/setup/"  # administrators use 2FA
    second_factor(client, staff["admin"])
    assert client.get("/admin/orgs/org/").status_code == 200
    assert client.get("/admin/orgs/servicecentre/").status_code == 200
    staff_client = login("city_staff")
    assert staff_client.get("/admin/").status_code == 302


def test_the_navigation_shows_only_what_the_role_may_open(login, city, staff, second_factor):
    staff_page = login("qingyang_staff").get("/desk/").content.decode()
    for label in ("组织架构", "服务阵地", "职工档案", "企业", "数据导入"):
        assert f">{label}</a>" in staff_page
    assert ">审计日志</a>" not in staff_page
    client = login("auditor")
    second_factor(client, staff["auditor"])
    auditor_page = client.get("/desk/audit/").content.decode()
    assert ">审计日志</a>" in auditor_page
    for label in ("组织架构", "职工档案", "企业", "数据导入"):
        assert f">{label}</a>" not in auditor_page


def test_staff_land_on_their_queue_and_administrators_on_the_tree(staff, client):
    from gonghui.accounts.demo_accounts import DEMO_PASSWORD

    response = client.post("/desk/login/", {"username": "qingyang_staff", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/desk/cases/"
    client.post("/desk/logout/")
    other = client.post("/desk/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert other["Location"] == "/desk/start/"
    assert client.get("/desk/start/")["Location"] in ("/desk/", "/desk/2fa/setup/")


def test_the_workbench_address_typed_before_signing_in_leads_to_the_queue(staff, client):
    from gonghui.accounts.demo_accounts import DEMO_PASSWORD

    assert client.get("/desk/")["Location"] == "/desk/login/?next=/desk/"
    response = client.post("/desk/login/?next=/desk/", {"username": "qingyang_staff", "password": DEMO_PASSWORD,
                                                        "next": "/desk/"})
    assert response["Location"] == "/desk/start/"
    deep = client.post("/desk/logout/") and client.post(
        "/desk/login/?next=/desk/workers/", {"username": "qingyang_staff", "password": DEMO_PASSWORD,
                                             "next": "/desk/workers/"})
    assert deep["Location"] == "/desk/workers/"  # a deeper link is followed as it is
