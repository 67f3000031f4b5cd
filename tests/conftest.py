import pytest
from django.contrib.auth import get_user_model

from gonghui.orgs.demo_city import DEMO_PASSWORD, build_city
from gonghui.orgs.models import Org


@pytest.fixture
def city(db):
    """The demo city (deterministic), built in the test database."""
    build_city("demo")
    return {org.code: org for org in Org.objects.filter(depth__lte=2)}


@pytest.fixture
def staff(city):
    """The demo staff accounts by username."""
    return {u.username: u for u in get_user_model().objects.select_related("org")}


@pytest.fixture
def grant():
    """Give a user a role at an organisation (or take all their roles away with ``role=None``)."""
    from gonghui.accounts.models import Role, RoleAssignment

    def _grant(user, role, org=None):
        if role is None:
            RoleAssignment.objects.filter(user=user).delete()
        else:
            RoleAssignment.objects.get_or_create(user=user, role=Role.objects.get(code=role), org=org or user.org)
        for attr in ("_role_grants", "_role_perm_cache", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(attr, None)
        return user

    return _grant


@pytest.fixture
def login(client):
    """Sign a demo account in (its password checked; force_login since axes needs a real request)."""

    def _login(username: str):
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def registry(city):
    """The demo city's enterprises and workers (340 and 2,400), loaded through the importer."""
    from gonghui.registry.demo_data import build_registry

    return build_registry("demo")


def totp_now(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def second_factor():
    """Give a signed-in user a confirmed TOTP device and pass the second factor on ``client``."""

    def _verify(client, user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="测试", confirmed=True)
        response = client.post("/desk/2fa/verify/", {"code": totp_now(device), "next": "/desk/"})
        assert response.status_code == 302, response.content.decode()[:500]
        return device

    return _verify
