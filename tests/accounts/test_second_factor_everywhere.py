"""The second factor holds on every way in (issue 23, finding 1): signed in with the password only, a user
who must pass the second factor reaches no route — no page, no htmx fragment, no download, no API call
with the session. Generated from the URL configuration (the access matrix's rules and world): a new route
is covered the day it is added."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import ALL, PUBLIC, PUBLIC_OBJECTS, RULES, SignedIn, _call, _url, build_world

# what a user may reach before the second factor: signing in and out, the second factor itself, changing
# the password, and the worker's pages on /m/ (which show only the user's own records)
BEFORE = ("/desk/login/", "/desk/logout/", "/desk/2fa/", "/desk/password/", "/m/")
BEFORE_NAMES = {"desk:login", "desk:logout", "desk:2fa_setup", "desk:2fa_verify", "desk:password_change"}
WORKER_PAGES = ("portal:", "portal_cases:", "mutual_aid_m:", "legal_m:", "assistance_m:", "aid_m:", "model_workers_m:",
                "example_library_m:", "scheduling_m:", "health_m:", "counselling_m:")
ROUTES = [n for n in ALL if RULES[n] != PUBLIC and n not in PUBLIC_OBJECTS and n != "api-v1:api-root"
          and n not in BEFORE_NAMES and not n.startswith(WORKER_PAGES)]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)  # the password only: no second factor passed in this session
    return client


@pytest.fixture
def world(staff, city):
    return build_world(staff, city)


@pytest.fixture
def unverified(staff):
    """city_finance (finance requires the second factor; not enrolled yet) and city_staff (enrolled)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=staff["city_staff"], name="验证器", confirmed=True)
    return {"finance": _client(staff["city_finance"]), "enrolled": _client(staff["city_staff"])}


@pytest.mark.parametrize("name", ROUTES)
def test_no_route_before_the_second_factor(name, world, unverified):
    rule = RULES[name]
    url = _url(name, rule, world)
    assert not url.startswith(BEFORE), f"{name} ({url}) is reachable before the second factor: list it above"
    for who, client in unverified.items():
        response = _call(client, rule, url)
        if url.startswith("/api/"):
            assert response.status_code == 403, (name, who, response.status_code)
            assert response.json()["detail"] == "请先在工作台完成双因素认证。"
        elif response.status_code == 302:
            assert response["Location"].startswith("/desk/2fa/"), (name, who, response["Location"])
        else:
            assert response.status_code == 403, (name, who, response.status_code)


def test_the_api_answers_once_the_second_factor_is_passed(staff, second_factor, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=staff["city_staff"], name="验证器", confirmed=True)
    client = Client()
    client.force_login(staff["city_staff"])
    assert client.get("/api/v1/cases").status_code == 403
    second_factor(client, staff["city_staff"])
    assert client.get("/api/v1/cases").status_code == 200
    assert client.get(reverse("cases:queue")).status_code == 200
    # a user without an authenticator whose role does not require one is not held up
    plain = Client()
    plain.force_login(staff["qingyang_staff"])
    assert plain.get("/api/v1/cases").status_code == 200


def test_every_route_is_generated(world):
    assert "api-v1:list_workers" in ROUTES and "cases:file" in ROUTES and "payments:batch_export" in ROUTES
    assert not any(isinstance(RULES[n], SignedIn) and RULES[n].login == "/m/login/" and n in ROUTES
                   and not _url(n, RULES[n], world).startswith("/m/") for n in ROUTES)
