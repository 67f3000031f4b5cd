"""The second factor: enrolment with recovery codes, verification at sign-in, required for admins."""

import re

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.demo_accounts import DEMO_PASSWORD
from gonghui.core.models import AuditLog


def sign_in(username):
    client = Client()
    assert client.post("/desk/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def code_for(secret_page: str, user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert re.search(r'data-testid="totp-secret">[A-Z2-7]{16,}<', secret_page)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_administrators_must_enrol_before_anything_else(staff):
    client = sign_in("secadmin")
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"] == "/desk/2fa/setup/"
    page = client.get("/desk/2fa/setup/").content.decode()
    assert "您的角色要求启用双因素认证" in page and 'src="data:image/svg+xml' in page
    assert "验证码不正确" in client.post("/desk/2fa/setup/", {"code": "123456"}).content.decode()
    page = client.get("/desk/2fa/setup/").content.decode()
    done = client.post("/desk/2fa/setup/", {"code": code_for(page, staff["secadmin"])}).content.decode()
    codes = re.findall(r"<li class=\"col-6\">([a-z0-9]+)</li>", done)
    assert len(codes) == 10
    assert client.get("/desk/").status_code in (200, 403)  # in: the home page (no tree role: 403 page)
    assert AuditLog.objects.filter(action="auth.2fa_enrol", actor=staff["secadmin"]).exists()

    # next sign-in: the code is asked after the password; a recovery code works once
    again = sign_in("secadmin")
    asked = again.get("/desk/")
    assert asked.status_code == 302 and asked["Location"].startswith("/desk/2fa/verify/")
    assert again.post("/desk/2fa/verify/", {"code": codes[0], "next": "/desk/"}).status_code == 302
    assert again.get("/desk/").status_code in (200, 403)
    third = sign_in("secadmin")
    assert "验证码不正确" in third.post("/desk/2fa/verify/", {"code": codes[0]}).content.decode()  # used up
    # after a wrong code django-otp throttles the devices (exponential back-off): even a good code waits
    assert "验证码不正确" in third.post("/desk/2fa/verify/", {"code": codes[1]}).content.decode()
    assert AuditLog.objects.filter(action="auth.2fa_failed").count() >= 2


def test_centre_staff_without_a_device_work_normally(staff):
    client = sign_in("qingyang_staff")
    assert client.get("/desk/").status_code == 200


def test_the_verify_page_refuses_redirects_to_other_sites(staff, second_factor):
    client = sign_in("city_staff")
    device = TOTPDevice.objects.create(user=staff["city_staff"], name="x", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post("/desk/2fa/verify/", {"code": code, "next": "https://evil.example/"})
    assert response["Location"] == "/desk/start/"


def test_finance_must_enrol_too(staff, city, grant):
    grant(staff["meiling_staff"], "finance", city["meiling"])
    client = sign_in("meiling_staff")
    assert client.get("/desk/")["Location"] == "/desk/2fa/setup/"
    assert client.get("/desk/workers/")["Location"] == "/desk/2fa/setup/"


def _secret(page: str) -> str:
    return re.search(r'data-testid="totp-secret">([A-Z2-7]{16,})<', page).group(1)


def test_the_secret_being_enrolled_survives_a_reload_a_favicon_and_a_wrong_code(staff):
    """Reopening the browser: its own /favicon.ico request, the page reloaded, a mistyped code — the secret
    the user scanned stays until it is confirmed or the user asks for a new one."""
    client = sign_in("city_finance")
    first = _secret(client.get("/desk/2fa/setup/").content.decode())
    favicon = client.get("/favicon.ico", HTTP_SEC_FETCH_DEST="image")
    assert favicon.status_code == 301 and favicon["Location"] == "/static/gonghui/favicon.ico"
    assert client.get("/static/gonghui/favicon.ico").status_code == 200
    assert client.get("/desk/cases/", HTTP_SEC_FETCH_DEST="image").status_code == 403  # not sent to set-up
    assert client.get("/desk/cases/", HTTP_HX_REQUEST="true").status_code == 403
    assert _secret(client.get("/desk/2fa/setup/").content.decode()) == first  # reloaded
    wrong = client.post("/desk/2fa/setup/", {"code": "000000"}).content.decode()
    assert "二维码没有变化，无需重新扫描" in wrong and _secret(wrong) == first
    done = client.post("/desk/2fa/setup/", {"code": code_for(wrong, staff["city_finance"])})
    assert "恢复码" in done.content.decode() and TOTPDevice.objects.filter(user=staff["city_finance"],
                                                                            confirmed=True).count() == 1


def test_a_new_secret_only_when_asked(staff):
    client = sign_in("secadmin")
    first = _secret(client.get("/desk/2fa/setup/").content.decode())
    renewed = client.post("/desk/2fa/setup/", {"action": "renew"}).content.decode()
    assert "已生成新的二维码" in renewed and _secret(renewed) != first
    assert TOTPDevice.objects.filter(user=staff["secadmin"], confirmed=False).count() == 1
