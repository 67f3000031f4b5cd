"""Scoping: a user sees their organisation's subtree, in one indexed query, on a city-sized tree."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from gonghui.orgs import selectors
from gonghui.orgs.models import Org, OrgKind, ServiceCentre
from gonghui.orgs.scoping import subtree_q

TOWNS, COMMUNITIES, GRASSROOTS = 20, 25, 20  # 1 + 20 + 500 + 10,000 = 10,521 nodes


@pytest.fixture
def big_tree(db):
    """A tree of 10,521 organisations, written the way the seed writes them (treebeard paths)."""
    rows = []
    root_path = Org._get_path(None, 1, 1)
    rows.append(Org(path=root_path, depth=1, numchild=TOWNS, code="root", name="市总工会",
                    kind=OrgKind.FEDERATION))
    for t in range(1, TOWNS + 1):
        town_path = Org._get_path(root_path, 2, t)
        rows.append(Org(path=town_path, depth=2, numchild=COMMUNITIES, code=f"t{t}", name=f"镇{t}",
                        kind=OrgKind.TOWN))
        for c in range(1, COMMUNITIES + 1):
            comm_path = Org._get_path(town_path, 3, c)
            rows.append(Org(path=comm_path, depth=3, numchild=GRASSROOTS, code=f"t{t}c{c}",
                            name=f"镇{t}社区{c}", kind=OrgKind.COMMUNITY))
            for g in range(1, GRASSROOTS + 1):
                rows.append(Org(path=Org._get_path(comm_path, 4, g), depth=4, numchild=0,
                                code=f"t{t}c{c}g{g}", name=f"企业{t}-{c}-{g}", kind=OrgKind.GRASSROOTS))
    Org.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Org.objects.get(code="t7")


def test_subtree_is_one_query_on_a_tree_of_ten_thousand_nodes(big_tree, django_assert_num_queries):
    assert Org.objects.count() == 10_521
    with django_assert_num_queries(1):
        codes = list(Org.objects.within(big_tree.path).values_list("code", flat=True))
    assert len(codes) == 1 + COMMUNITIES + COMMUNITIES * GRASSROOTS
    assert all(code.startswith("t7") and not code.startswith("t70") for code in codes)
    # the treebeard traversal agrees with the scoping condition
    assert Org.objects.get_descendant_count(big_tree) == len(codes) - 1


def test_subtree_condition_uses_the_path_index(big_tree):
    plan = Org.objects.filter(subtree_q(big_tree.path)).only("pk").explain()
    if connection.vendor == "sqlite":
        assert "USING" in plan and "INDEX" in plan, plan
        assert "SCAN orgs_org" not in plan, plan
    else:
        assert "Index" in plan and "Seq Scan" not in plan, plan


def test_subtree_condition_has_no_false_neighbours(db):
    # 0001000A and 00010010 are siblings of 00010001: neither may leak into its subtree, whatever
    # the collation; and a node whose path merely extends the prefix string at a different depth is
    # still a descendant, which is what a materialised path means.
    rows = [Org(path="0001", depth=1, numchild=3, code="r", name="r", kind=OrgKind.FEDERATION)]
    for i, step in enumerate(["0001", "000A", "0010"]):
        rows.append(Org(path="0001" + step, depth=2, numchild=0, code=f"t{i}", name=f"t{i}",
                        kind=OrgKind.TOWN))
    rows.append(Org(path="000100010001", depth=3, numchild=0, code="g", name="g", kind=OrgKind.GRASSROOTS))
    Org.objects.bulk_create(rows)
    assert sorted(Org.objects.within("00010001").values_list("code", flat=True)) == ["g", "t0"]
    assert Org.objects.within("0001").count() == 5


def test_qingyang_staff_sees_qingyang_and_not_meiling(staff):
    qingyang = staff["qingyang_staff"]
    visible = Org.objects.visible_to(qingyang)
    assert visible.filter(code="qingyang").exists()
    assert not visible.filter(code="meiling").exists()
    assert not visible.filter(depth=1).exists()
    assert all(o.path.startswith(qingyang.org.path) for o in visible)
    assert visible.count() == Org.objects.get_descendant_count(qingyang.org) + 1

    centres = ServiceCentre.objects.visible_to(qingyang)
    names = set(centres.values_list("name", flat=True))
    assert "青阳街道职工服务中心" in names
    assert "梅岭街道职工服务中心" not in names
    assert "晋江市职工服务中心" not in names


def test_city_staff_sees_every_town(staff):
    city_staff = staff["city_staff"]
    assert Org.objects.visible_to(city_staff).count() == Org.objects.count()
    assert ServiceCentre.objects.visible_to(city_staff).count() == ServiceCentre.objects.count()


def test_users_without_an_organisation_or_inactive_see_nothing(staff):
    nobody = get_user_model().objects.create_user("nobody", password="x" * 12)
    assert not Org.objects.visible_to(nobody).exists()
    assert not ServiceCentre.objects.visible_to(nobody).exists()
    inactive = staff["qingyang_staff"]
    inactive.is_active = False
    assert not Org.objects.visible_to(inactive).exists()


def test_selectors_hide_other_subtrees_as_not_found(staff, city):
    from django.http import Http404

    qingyang = staff["qingyang_staff"]
    with pytest.raises(Http404):
        selectors.org_get(user=qingyang, pk=city["meiling"].pk)
    meiling_centre = ServiceCentre.objects.get(name="梅岭街道职工服务中心")
    with pytest.raises(Http404):
        selectors.centre_get(user=qingyang, pk=meiling_centre.pk)
    # breadcrumbs never climb above the user's own organisation
    grassroots = Org.objects.visible_to(qingyang).filter(depth=4).first()
    crumbs = selectors.org_breadcrumbs(user=qingyang, org=grassroots)
    assert crumbs[0] == qingyang.org and crumbs[-1] == grassroots and len(crumbs) == 3
