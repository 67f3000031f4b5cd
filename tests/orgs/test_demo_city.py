from django.contrib.auth import get_user_model
from django.core.management import call_command

from gonghui.accounts.demo_accounts import DEMO_PASSWORD
from gonghui.orgs.models import CentreKind, Org, OrgKind, ServiceCentre
from gonghui.site.demo import build_city

JINJIANG_TOWNS = ["青阳街道", "梅岭街道", "西园街道", "罗山街道", "灵源街道", "新塘街道", "安海镇", "磁灶镇",
                  "陈埭镇", "池店镇", "内坑镇", "紫帽镇", "东石镇", "永和镇", "英林镇", "金井镇", "龙湖镇",
                  "深沪镇", "西滨镇"]


def test_seed_builds_the_federation_and_its_21_town_unions(db):
    call_command("seed", scale="demo")
    root = Org.objects.get(depth=1)
    assert root.name == "晋江市总工会"
    towns = list(Org.objects.filter(kind=OrgKind.TOWN).order_by("path"))
    assert len(towns) == 21
    assert all(Org.objects.get_parent(t).pk == root.pk for t in towns)
    names = [t.short_name for t in towns]
    assert names[:19] == JINJIANG_TOWNS
    assert {t.get_town_type_display() for t in towns[19:]} == {"经济开发区", "工业区"}


def test_every_town_has_a_town_centre_and_a_sanitation_love_point(city):
    for town in Org.objects.filter(kind=OrgKind.TOWN):
        kinds = sorted(town.centres.values_list("kind", flat=True))
        assert kinds == sorted([CentreKind.TOWN, CentreKind.SANITATION]), town.name


def test_centres_match_the_article(city):
    centres = ServiceCentre.objects.all()
    assert centres.filter(kind=CentreKind.CITY).get().org.depth == 1
    market = centres.get(kind=CentreKind.MARKET)
    assert market.name == "磁灶东山瓷砖建材市场职工服务中心"
    assert Org.objects.get_parent(market.org).short_name == "磁灶镇"
    assert centres.filter(kind=CentreKind.ENTERPRISE).count() == 50
    # 55 full-time staff in the city and town centres; the city centre and 9 town centres are
    # Quanzhou demonstration sites (罗山, 梅岭, 青阳 among them).
    city_and_town = centres.filter(kind__in=[CentreKind.CITY, CentreKind.TOWN])
    assert sum(c.fulltime_staff for c in city_and_town) == 55
    demo_sites = set(centres.filter(is_demonstration=True).values_list("name", flat=True))
    assert len(demo_sites) == 10
    assert {"罗山街道职工服务中心", "梅岭街道职工服务中心", "青阳街道职工服务中心"} <= demo_sites
    town_centre = centres.get(name="青阳街道职工服务中心")
    assert {"hotline", "computer", "printer", "copier", "scanner"} <= set(town_centre.facilities)


def test_demo_scale_has_a_few_hundred_enterprise_unions(city):
    grassroots = Org.objects.filter(kind=OrgKind.GRASSROOTS)
    assert 300 <= grassroots.count() < 400
    assert Org.objects.filter(kind=OrgKind.COMMUNITY).count() == 105
    # some enterprise unions sit below community unions: the tree has four levels
    assert Org.objects.filter(depth=4).exists()
    # numchild (kept by treebeard) agrees with the real children everywhere
    for org in Org.objects.filter(depth__lte=3):
        assert org.numchild == Org.objects.get_children_count(org), org.name


def test_seed_is_deterministic_and_idempotent(db):
    def snapshot():
        return list(Org.objects.order_by("path").values_list("path", "code", "name", "address"))

    build_city("demo")
    first = snapshot()
    first_centres = list(ServiceCentre.objects.order_by("name").values_list("name", "address", "phone"))
    again = build_city("demo")
    assert again == {"orgs": 0, "centres": 0, "accounts": 0}
    assert snapshot() == first

    ServiceCentre.objects.all().delete()
    get_user_model().objects.all().delete()
    Org.objects.all().delete()
    build_city("demo")
    assert snapshot() == first
    centres = ServiceCentre.objects.order_by("name").values_list("name", "address", "phone")
    assert list(centres) == first_centres


def test_demo_accounts_belong_to_their_organisations(staff, settings):
    assert staff["qingyang_staff"].org.short_name == "青阳街道"
    assert staff["meiling_staff"].org.short_name == "梅岭街道"
    assert staff["city_staff"].org.depth == 1
    # the system administrator is no superuser: users, organisations, settings — no business data
    assert staff["admin"].is_staff and not staff["admin"].is_superuser
    assert staff["admin"].has_perm("orgs.change_servicecentre")
    assert not staff["admin"].has_perm("registry.view_worker") and not staff["admin"].has_perm("core.view_auditlog")
    assert not staff["city_staff"].is_staff
    assert staff["qingyang_staff"].check_password(DEMO_PASSWORD)
    # passwords are hashed with Argon2 (the test settings put a fast hasher first; production has Argon2 only)
    from gonghui import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = staff["qingyang_staff"]
    user.set_password(DEMO_PASSWORD)
    assert user.password.startswith("argon2")
