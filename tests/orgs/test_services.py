import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.orgs import services
from gonghui.orgs.models import CentreKind, Org, OrgKind, ServiceCentre


def test_admin_adds_a_community_union_below_a_town(staff, city):
    qingyang = city["qingyang"]
    before = Org.objects.get(pk=qingyang.pk).numchild
    node = services.org_create(actor=staff["admin"], parent=qingyang, code="qingyang-new",
                               name="青阳街道新社区工会", kind=OrgKind.COMMUNITY)
    assert node.path.startswith(qingyang.path) and node.depth == 3
    assert Org.objects.get(pk=qingyang.pk).numchild == before + 1
    assert Org.objects.visible_to(staff["qingyang_staff"]).filter(pk=node.pk).exists()
    assert not Org.objects.visible_to(staff["meiling_staff"]).filter(pk=node.pk).exists()


def test_a_town_cannot_be_added_below_a_town(staff, city):
    with pytest.raises(ValidationError) as error:
        services.org_create(actor=staff["admin"], parent=city["qingyang"], code="x", name="x",
                            kind=OrgKind.TOWN)
    assert "不能设立" in str(error.value)
    assert not Org.objects.filter(code="x").exists()


def test_staff_cannot_write_outside_their_subtree(staff, city, grant):
    grant(staff["qingyang_staff"], "system_admin")  # may edit centres — in 青阳's subtree only
    meiling_centre = ServiceCentre.objects.get(name="梅岭街道职工服务中心")
    with pytest.raises(PermissionDenied, match="管辖范围"):
        services.centre_update(actor=staff["qingyang_staff"], centre=meiling_centre, phone="0595-1")
    assert ServiceCentre.objects.get(pk=meiling_centre.pk).phone == meiling_centre.phone


def test_centre_update_rejects_unknown_facilities_and_keeps_the_row(staff, city):
    centre = ServiceCentre.objects.get(name="青阳街道职工服务中心")
    with pytest.raises(ValidationError, match="未知的设施"):
        services.centre_update(actor=staff["admin"], centre=centre, facilities=["hotline", "spaceship"])
    assert ServiceCentre.objects.get(pk=centre.pk).facilities == centre.facilities
    updated = services.centre_update(actor=staff["admin"], centre=centre,
                                     facilities=["hotline", "scanner", "hotline"], fulltime_staff=4)
    assert updated.facilities == ["hotline", "scanner"] and updated.fulltime_staff == 4


def test_centre_create_validates_required_fields(staff, city):
    with pytest.raises(ValidationError) as error:
        services.centre_create(actor=staff["admin"], org=city["qingyang"], name="新站点",
                               kind=CentreKind.ENTERPRISE, address="")
    assert "address" in error.value.message_dict
