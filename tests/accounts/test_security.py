"""Sign-in security as a user meets it: lockout, throttle, sessions, password policy, audit."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from gonghui.accounts import security
from gonghui.accounts.demo_accounts import DEMO_PASSWORD
from gonghui.core.models import AuditLog


def attempt(username, password, ip="10.0.0.1", path="/desk/login/"):
    return Client(REMOTE_ADDR=ip).post(path, {"username": username, "password": password})


def test_five_failures_lock_the_account_for_30_minutes_by_username(city):
    for i in range(5):
        response = attempt("qingyang_staff", "wrong-password", ip=f"10.0.0.{i + 1}")
        assert response.status_code in (200, 429)
    # the right password from yet another address is refused now, and the user is told until when
    locked = attempt("qingyang_staff", DEMO_PASSWORD, ip="10.9.9.9")
    page = locked.content.decode()
    assert locked.status_code == 429
    until = timezone.localtime(security.locked_until("qingyang_staff"))
    assert "账号已锁定" in page and f"请于 {until:%H:%M} 后再试" in page
    assert 29 <= (until - timezone.localtime()).total_seconds() / 60 <= 30
    # another account from the same address still signs in
    assert attempt("meiling_staff", DEMO_PASSWORD, ip="10.0.0.1").status_code == 302
    actions = list(AuditLog.objects.values_list("action", flat=True))
    assert actions.count("auth.login_failed") >= 5 and "auth.lockout" in actions and "auth.login" in actions
    assert not any("wrong-password" in str(row) for row in AuditLog.objects.values_list("summary", "changes"))


def test_the_worker_login_page_tells_the_lockout_too(city):
    for _ in range(5):
        attempt("meiling_staff", "nope-nope", path="/m/login/")
    page = attempt("meiling_staff", DEMO_PASSWORD, path="/m/login/").content.decode()
    assert "账号已锁定" in page


def test_an_address_with_many_failures_is_throttled(city):
    for i in range(security.IP_FAILURES_PER_10_MIN):
        attempt(f"nobody{i}", "x", ip="10.1.1.1")
    response = attempt("meiling_staff", DEMO_PASSWORD, ip="10.1.1.1")
    assert response.status_code == 200 and "失败次数过多" in response.content.decode()
    assert attempt("meiling_staff", DEMO_PASSWORD, ip="10.1.1.2").status_code == 302


def test_idle_sessions_end_after_30_minutes_and_any_after_12_hours(settings, login, city):
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    assert client.post("/desk/login/", {"username": "qingyang_staff", "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/desk/").status_code == 200
    session = client.session
    session[security.LOGIN_AT] = timezone.now().timestamp() - 12 * 3600 - 60
    session.save()
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"] == "/desk/login/?expired=1"
    assert "登录已超时" in client.get(response["Location"]).content.decode()
    assert client.get("/desk/").status_code == 302
    assert AuditLog.objects.filter(action="auth.session_expired").exists()


def test_signing_out_ends_the_other_sessions(city):
    office, home = Client(), Client()
    for c in (office, home):
        assert c.post("/desk/login/", {"username": "city_staff", "password": DEMO_PASSWORD}).status_code == 302
        assert c.get("/desk/").status_code == 200
    office.post("/desk/logout/")
    assert home.get("/desk/").status_code == 302
    assert AuditLog.objects.filter(action="auth.logout").exists()


@pytest.mark.parametrize("password, code", [
    ("abcdefgh", "password_classes"),
    ("Ab1!", "password_too_short"),
    ("Password1", "password_too_common"),
    ("qingyang_staff1A", "password_too_similar"),
    ("12345678", "password_entirely_numeric"),
])
def test_password_rules(staff, password, code):
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=staff["qingyang_staff"])
    assert code in [e.code for e in error.value.error_list], error.value.messages
    validate_password("Harbour#7Lane", user=staff["qingyang_staff"])  # three kinds, long, uncommon: fine


def test_none_of_the_last_five_passwords(staff):
    user = staff["qingyang_staff"]
    history = [f"Harbour#{n}Lane" for n in range(6)]
    for password in history:
        validate_password(password, user=user)
        user.set_password(password)
        user.save()
    for recent in history[1:]:
        with pytest.raises(ValidationError, match="最近5次"):
            validate_password(recent, user=user)
    validate_password(history[0], user=user)  # the sixth-last is allowed again


def test_a_new_account_changes_its_password_at_first_login(city, grant):
    User = get_user_model()
    grant(User.objects.create_user("new_staff", password="Initial#Pass9", org=city["qingyang"], name="新同事"),
          "centre_staff")
    other = Client()
    client = Client()
    for c in (client, other):
        c.post("/desk/login/", {"username": "new_staff", "password": "Initial#Pass9"})
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"] == "/desk/password/"
    page = client.get("/desk/password/").content.decode()
    assert "请先修改密码" in page
    refused = client.post("/desk/password/", {"old_password": "Initial#Pass9", "new_password1": "Initial#Pass9",
                                              "new_password2": "Initial#Pass9"})
    assert "最近5次" in refused.content.decode()
    done = client.post("/desk/password/", {"old_password": "Initial#Pass9", "new_password1": "Brand-New#2026",
                                           "new_password2": "Brand-New#2026"})
    assert done.status_code == 302
    assert client.get("/desk/").status_code == 200
    assert other.get("/desk/").status_code == 302  # the other session ended
    user = User.objects.get(username="new_staff")
    assert not user.must_change_password and user.password_changed_at
    assert AuditLog.objects.filter(action="auth.password_change", actor=user).exists()


def test_pages_send_csp_and_no_store(login, city):
    client = login("qingyang_staff")
    response = client.get("/desk/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert not re.search(r"<script>(?!</script>)", page) and " onclick=" not in page and " onchange=" not in page


def test_a_crash_shows_an_incident_id_that_finds_the_log_line(login, city, monkeypatch, caplog):
    from gonghui.desk import views

    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "org_children", explode)
    client = login("qingyang_staff")
    client.raise_request_exception = False
    response = client.get("/desk/")
    assert response.status_code == 500
    incident = re.search(r'data-testid="incident">([0-9A-F]{8})<', response.content.decode()).group(1)
    assert any(incident in record.getMessage() for record in caplog.records)
    assert "boom" not in response.content.decode()
