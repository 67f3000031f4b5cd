"""The worker H5 pages: public centre information, sign-in."""

from django.urls import reverse

from gonghui.orgs.models import ServiceCentre


def test_home_lists_the_21_towns(client, city):
    page = client.get("/m/").content.decode()
    assert "服务站点" in page
    for town in ("青阳街道", "梅岭街道", "晋江经济开发区", "深沪镇"):
        assert town in page
    assert 'name="viewport"' in page


def test_centres_filter_by_town(client, city):
    page = client.get(reverse("portal:centre_list"), {"town": "meiling"}).content.decode()
    assert "梅岭街道职工服务中心" in page
    assert "梅岭街道环卫工人爱心服务点" in page
    assert "青阳街道职工服务中心" not in page


def test_unknown_town_shows_an_empty_list_not_an_error(client, city):
    response = client.get(reverse("portal:centre_list"), {"town": "nowhere", "kind": "bogus", "page": "x"})
    assert response.status_code == 200
    assert "暂无服务站点" in response.content.decode()


def test_centre_detail_shows_phone_as_a_link(client, city):
    centre = ServiceCentre.objects.get(name="青阳街道职工服务中心")
    page = client.get(reverse("portal:centre_detail", args=[centre.pk])).content.decode()
    assert f'href="tel:{centre.phone}"' in page
    assert centre.address in page
    assert client.get(reverse("portal:centre_detail", args=[999999])).status_code == 404


def test_me_requires_sign_in_and_shows_the_account(client, login, city):
    response = client.get(reverse("portal:me"))
    assert response.status_code == 302 and response["Location"].startswith("/m/login/")
    page = login("qingyang_staff").get(reverse("portal:me")).content.decode()
    assert "陈志强" in page


def test_me_shows_the_phone_the_worker_signs_in_with(worker_user, people):
    """我的 showed the registry's phone, which may differ from the one the worker signs in with."""
    from django.test import Client

    from gonghui.registry.models import Worker

    user = worker_user("王芳")
    Worker.objects.filter(pk=people["王芳"].pk).update(phone="13711112222")  # the registry has another number
    client = Client()
    client.force_login(user)
    page = client.get("/m/me/").content.decode()
    login = user.username
    assert f"登录手机号：{login[:3]}****{login[-4:]}" in page
    assert "职工档案中的联系电话为 137****2222" in page
