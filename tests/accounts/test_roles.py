"""Roles granted at a node reach its subtree; the three administrators stay apart."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.accounts import services
from gonghui.accounts.models import Role
from gonghui.core.models import AuditLog
from gonghui.orgs.models import Org
from gonghui.registry.models import Enterprise, Worker


def new_user(username, org):
    return get_user_model().objects.create_user(username, password="Some#Pass2026", org=org,
                                                must_change_password=False)


def test_a_role_at_two_towns_sees_both_and_nothing_else(registry, city, grant):
    user = new_user("two_towns", city["qingyang"])
    grant(user, "centre_staff", city["qingyang"])
    grant(user, "centre_staff", city["meiling"])
    visible = Worker.objects.visible_to(user)
    paths = {city["qingyang"].path, city["meiling"].path}
    assert visible.count() == Worker.objects.filter(org__path__regex=r"^(" + "|".join(paths) + ")").count() > 0
    assert not visible.exclude(org__path__startswith=city["qingyang"].path).exclude(
        org__path__startswith=city["meiling"].path).exists()


def test_an_enterprise_contact_sees_only_their_enterprise(registry, city, grant):
    enterprise = Enterprise.objects.filter(union__isnull=False).order_by("pk").first()
    contact = new_user("contact", enterprise.union)
    grant(contact, "enterprise_contact", enterprise.union)
    assert list(Enterprise.objects.visible_to(contact)) == [enterprise]
    workers = Worker.objects.visible_to(contact)
    assert workers.count() == enterprise.workers.count()
    assert not contact.has_perm("registry.view_worker_pii")


@pytest.mark.parametrize("role, sees_workers, sees_tree, reads_audit", [
    ("centre_staff", True, True, False),
    ("leader", False, True, False),
    ("system_admin", False, True, False),
    ("security_admin", False, False, False),
    ("audit_admin", False, False, True),
    ("partner", False, False, False),
])
def test_each_role_sees_its_own_area(registry, city, grant, role, sees_workers, sees_tree, reads_audit):
    user = grant(new_user(f"u_{role}", city["jinjiang"]), role, city["jinjiang"])
    assert Worker.objects.visible_to(user).exists() is sees_workers
    assert Org.objects.visible_to(user).exists() is sees_tree
    assert user.has_perm("core.view_auditlog") is reads_audit


def test_the_three_administrator_duties_stay_with_three_people(city, staff):
    security = new_user("sec", city["jinjiang"])
    services.role_grant(actor=None, user=security, role=Role.objects.get(code="security_admin"),
                        org=city["jinjiang"])
    admin = staff["admin"]  # already the system administrator
    with pytest.raises(ValidationError, match="三员分立"):
        services.role_grant(actor=security, user=admin, role=Role.objects.get(code="audit_admin"),
                            org=city["jinjiang"])
    auditor = new_user("aud", city["jinjiang"])
    services.role_grant(actor=security, user=auditor, role=Role.objects.get(code="audit_admin"), org=city["jinjiang"])
    assert auditor.role_assignments.count() == 1
    assert AuditLog.objects.filter(action="accounts.role_grant", object_id=str(auditor.pk)).exists()


def test_only_a_security_administrator_in_scope_grants_roles(city, staff):
    target = new_user("target", city["meiling"])
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=staff["qingyang_staff"], user=target, role=Role.objects.get(code="centre_staff"),
                            org=city["meiling"])
    town_security = new_user("town_sec", city["qingyang"])
    services.role_grant(actor=None, user=town_security, role=Role.objects.get(code="security_admin"),
                        org=city["qingyang"])
    with pytest.raises(PermissionDenied):  # 梅岭 is outside 青阳
        services.role_grant(actor=town_security, user=target, role=Role.objects.get(code="centre_staff"),
                            org=city["meiling"])
    services.role_grant(actor=town_security, user=target, role=Role.objects.get(code="centre_staff"),
                        org=city["qingyang"])
    assert target.role_assignments.get().org == city["qingyang"]


def test_a_release_adds_new_permissions_once_and_respects_removals(db, monkeypatch):
    """A permission a new release gives a shipped role reaches an existing installation; one the
    security administrator took away is not given back by the next migrate."""
    from django.contrib.auth.models import Permission

    from gonghui.accounts import roles
    from gonghui.accounts.models import Role

    role = Role.objects.get(code="leader")
    view_case = Permission.objects.get(content_type__app_label="cases", codename="view_case")
    role.permissions.remove(view_case)  # the security administrator's decision
    roles.sync_roles()
    assert not role.permissions.filter(pk=view_case.pk).exists()
    spec = {**roles.ROLES["leader"], "permissions": [*roles.ROLES["leader"]["permissions"], "cases.view_rating"]}
    monkeypatch.setitem(roles.ROLES, "leader", spec)
    roles.sync_roles()
    assert role.permissions.filter(codename="view_rating").exists()
    assert not role.permissions.filter(pk=view_case.pk).exists()
