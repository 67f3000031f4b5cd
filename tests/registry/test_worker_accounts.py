"""Workers' own accounts: SMS codes, registration, binding to the registry, only their own data."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from gonghui.accounts import sms_codes
from gonghui.accounts.models import SmsCode
from gonghui.core import idnumber
from gonghui.core.sms import ConsoleSmsBackend
from gonghui.registry.models import BindingStatus, Worker, WorkerAccount

PASSWORD = "Worker#2026pw"


def last_code(phone):
    texts = [text for to, text in ConsoleSmsBackend.outbox if to == phone]
    return re.search(r"验证码是 (\d{6})", texts[-1]).group(1)


def register(client, phone):
    client.post("/m/register/", {"phone": phone, "step": "send"})
    return client.post("/m/register/", {"phone": phone, "step": "register", "code": last_code(phone),
                                        "password": PASSWORD, "password2": PASSWORD})


def test_sms_codes_are_six_digits_single_use_and_expire(db):
    sms_codes.code_send(phone="13900000001", purpose="register")
    code = last_code("13900000001")
    assert re.fullmatch(r"\d{6}", code)
    assert code not in str(SmsCode.objects.values().get())  # stored hashed
    sms_codes.code_check(phone="13900000001", purpose="register", code=code)
    with pytest.raises(ValidationError, match="已失效"):
        sms_codes.code_check(phone="13900000001", purpose="register", code=code)
    sms_codes.code_send(phone="13900000001", purpose="register")
    SmsCode.objects.update(expires_at=timezone.now())
    with pytest.raises(ValidationError, match="已失效"):
        sms_codes.code_check(phone="13900000001", purpose="register", code=last_code("13900000001"))


def test_five_wrong_tries_void_a_code_and_five_codes_an_hour_at_most(db):
    sms_codes.code_send(phone="13900000002", purpose="register")
    good = last_code("13900000002")
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError, match=f"还可尝试{left}次"):
            sms_codes.code_check(phone="13900000002", purpose="register", code="000000" if good != "000000" else "1")
    with pytest.raises(ValidationError, match="错误次数过多"):
        sms_codes.code_check(phone="13900000002", purpose="register", code="999999" if good != "999999" else "1")
    with pytest.raises(ValidationError, match="错误次数过多"):
        sms_codes.code_check(phone="13900000002", purpose="register", code=good)
    for _ in range(4):
        sms_codes.code_send(phone="13900000002", purpose="register")
    with pytest.raises(ValidationError, match="次数过多"):
        sms_codes.code_send(phone="13900000002", purpose="register")


def test_a_worker_registers_binds_and_sees_only_their_own_record(registry, staff):
    worker = Worker.objects.order_by("pk")[10]
    other = Worker.objects.order_by("pk")[11]
    client = Client()
    response = register(client, "13912340001")
    assert response.status_code == 302 and response["Location"] == "/m/bind/"
    mismatch = client.post("/m/bind/", {"name": other.name + "x", "id_number": worker.id_number_clear()})
    assert "姓名与身份证号不匹配" in mismatch.content.decode()
    bound = client.post("/m/bind/", {"name": worker.name, "id_number": worker.id_number_clear().lower()})
    assert bound["Location"] == "/m/me/"
    me = client.get("/m/me/").content.decode()
    assert worker.name in me and worker.id_masked in me and worker.id_number_clear() not in me
    assert other.name not in me
    # nothing else is theirs: the workbench, the registry and the API find nothing
    assert client.get("/desk/").status_code == 403
    assert client.get(f"/desk/workers/{worker.pk}/").status_code == 403
    assert client.get(f"/desk/workers/{other.pk}/").status_code == 403
    assert "尚未被授予任何组织的角色" in client.get("/desk/workers/").content.decode()
    assert client.get("/api/v1/workers").json()["count"] == 0
    assert client.get(f"/api/v1/workers/{other.pk}").status_code == 404
    assert WorkerAccount.objects.get(worker=worker).status == BindingStatus.BOUND
    # the same record cannot be bound twice
    second = Client()
    register(second, "13912340002")
    again = second.post("/m/bind/", {"name": worker.name, "id_number": worker.id_number_clear()})
    assert "已绑定其他账号" in again.content.decode()


def test_a_new_employee_waits_for_the_towns_staff(registry, staff, city, login):
    body = "35058219960606201"
    number = body + idnumber.check_char(body)
    client = Client()
    register(client, "13912340003")
    asked = client.post("/m/bind/", {"name": "新员工", "id_number": number}).content.decode()
    # an ordinary next step, not an error: what happens, how long it takes; what was typed is kept
    assert "职工档案中暂时没有您的信息" in asked and "一般3个工作日内完成" in asked and "m-tip_error" not in asked
    assert f'value="{number}"' in asked and 'name="town"' in asked
    again = client.post("/m/bind/", {"name": "新员工", "id_number": number, "town": ""}).content.decode()
    assert "请选择您所在的镇街。" in again and f'value="{number}"' in again and 'name="town"' in again
    assert "为空" not in again and "请填写身份证号" not in again  # the number typed at the first step is kept
    client.post("/m/bind/", {"name": "新员工", "id_number": number, "town": "qingyang"})
    me = client.get("/m/me/").content.decode()
    assert "等待青阳街道总工会职工服务中心审核，一般3个工作日内完成" in me and 'href="tel:' in me
    account = WorkerAccount.objects.get(name="新员工")

    meiling = login("meiling_staff")
    assert "新员工" not in meiling.get("/desk/bindings/").content.decode()
    assert meiling.post(f"/desk/bindings/{account.pk}/decide/", {"decision": "refuse", "reason": "x"}).status_code == 404

    qingyang = login("qingyang_staff")
    page = qingyang.get("/desk/bindings/").content.decode()
    assert "新员工" in page and number not in page
    enterprise = Worker.objects.visible_to(staff["qingyang_staff"]).first().enterprise
    qingyang.post(f"/desk/bindings/{account.pk}/decide/", {"decision": "approve", "enterprise": enterprise.pk})
    worker = Worker.objects.get(name="新员工")
    assert worker.enterprise == enterprise and worker.id_number_clear() == number and worker.phone == "13912340003"
    me = client.get("/m/me/").content.decode()
    assert "新员工" in me and enterprise.name in me


def test_a_refused_binding_tells_the_worker_why(registry, login):
    client = Client()
    register(client, "13912340004")
    body = "35058219960606202"
    client.post("/m/bind/", {"name": "冒名者", "id_number": body + idnumber.check_char(body), "town": "qingyang"})
    account = WorkerAccount.objects.get(name="冒名者")
    login("qingyang_staff").post(f"/desk/bindings/{account.pk}/decide/",
                                 {"decision": "refuse", "reason": "企业未登记该员工"})
    assert "上次的绑定申请未通过：企业未登记该员工" in client.get("/m/bind/").content.decode()


def test_forgotten_password_by_sms(registry):
    client = Client()
    register(client, "13912340005")
    reset = Client()
    reset.post("/m/password/reset/", {"phone": "13912340005", "step": "send"})
    done = reset.post("/m/password/reset/", {"phone": "13912340005", "step": "reset",
                                             "code": last_code("13912340005"), "password": "Another#2026x",
                                             "password2": "Another#2026x"})
    assert "密码已重置" in done.content.decode()
    assert client.get("/m/me/").status_code == 302  # the old session ended
    assert Client().post("/m/login/", {"username": "13912340005", "password": "Another#2026x"}).status_code == 302
    # an unknown phone gets the same answer and no message
    before = len(ConsoleSmsBackend.outbox)
    answer = Client().post("/m/password/reset/", {"phone": "13900009999", "step": "send"}).content.decode()
    assert "如该手机号已注册" in answer and len(ConsoleSmsBackend.outbox) == before


def test_consent_per_category_can_be_withdrawn_and_the_worker_downloads_their_data(registry):
    import json

    from gonghui.core.models import AuditLog
    from gonghui.registry.models import Consent

    worker = Worker.objects.order_by("pk")[20]
    client = Client()
    register(client, "13912340006")
    client.post("/m/bind/", {"name": worker.name, "id_number": worker.id_number_clear()})
    page = client.get("/m/privacy/").content.decode()
    assert "医疗健康信息" in page and "银行账户信息" in page and "告知书版本 2026-11" in page
    client.post("/m/privacy/", {"category": "medical", "action": "give"})
    consent = Consent.objects.get(user__username="13912340006", category="medical")
    assert consent.notice_version == "2026-11" and consent.withdrawn_at is None
    client.post("/m/privacy/", {"category": "medical", "action": "withdraw"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert "撤回同意" not in client.get("/m/privacy/").content.decode()

    response = client.get("/m/privacy/my-data.json")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["职工档案"]["姓名"] == worker.name
    assert data["职工档案"]["身份证号"] == worker.id_number_clear()
    assert data["个人信息同意"][0]["类别"] == "医疗健康信息"
    assert AuditLog.objects.filter(action="privacy.download").exists()
    assert AuditLog.objects.filter(action="privacy.consent_withdraw").exists()


def test_a_worker_asks_for_a_correction_and_the_towns_staff_handle_it(registry, login, staff):
    from gonghui.core.models import AuditLog
    from gonghui.registry.names import name_keys

    worker = Worker.objects.visible_to(staff["qingyang_staff"]).order_by("pk")[2]
    client = Client()
    register(client, "13912340007")
    client.post("/m/bind/", {"name": worker.name, "id_number": worker.id_number_clear()})
    client.post("/m/privacy/", {"action": "correct", "field": "name", "value": "欧阳更正", "note": "改过名"})
    client.post("/m/privacy/", {"action": "correct", "field": "hukou_place", "value": "火星", "note": ""})
    assert "待处理" in client.get("/m/privacy/").content.decode()
    assert "欧阳更正" not in login("meiling_staff").get("/desk/corrections/").content.decode()
    staff_client = login("qingyang_staff")
    assert "欧阳更正" in staff_client.get("/desk/corrections/").content.decode()
    name_row, place_row = worker.correction_requests.order_by("pk")
    staff_client.post(f"/desk/corrections/{name_row.pk}/handle/", {"decision": "accept"})
    staff_client.post(f"/desk/corrections/{place_row.pk}/handle/", {"decision": "refuse", "reply": "户籍地须与户口簿一致"})
    worker.refresh_from_db()
    assert worker.name == "欧阳更正"
    assert set(worker.name_keys.values_list("key", flat=True)) == set(name_keys("欧阳更正"))
    page = client.get("/m/privacy/").content.decode()
    assert "已更正" in page and "答复：户籍地须与户口簿一致" in page
    assert AuditLog.objects.filter(action="privacy.correction_done").exists()


def test_the_clerk_deciding_a_binding_is_told_what_is_missing_calls_and_the_worker_is_told(
        registry, staff, login, django_capture_on_commit_callbacks):
    from gonghui.cases.models import Message
    from gonghui.core.models import AuditLog

    client = Client()
    register(client, "13912340005")
    body = "35058219960606203"
    client.post("/m/bind/", {"name": "新来的", "id_number": body + idnumber.check_char(body), "town": "qingyang"})
    account = WorkerAccount.objects.get(name="新来的")
    qingyang = login("qingyang_staff")
    page = qingyang.get("/desk/bindings/").content.decode()
    assert 'href="tel:13912340005"' in page  # the clerk calls the worker
    assert AuditLog.objects.filter(action="registry.bindings_view", actor=staff["qingyang_staff"]).exists()

    # 通过 without choosing the enterprise: told so on the page, nothing decided (it was a 404 and a traceback)
    response = qingyang.post(f"/desk/bindings/{account.pk}/decide/", {"decision": "approve", "enterprise": ""},
                             follow=True)
    assert response.status_code == 200 and "请先为新来的选择所在企业，再点“通过”。" in response.content.decode()
    response = qingyang.post(f"/desk/bindings/{account.pk}/decide/", {"decision": "approve", "enterprise": "x1"},
                             follow=True)
    assert response.status_code == 200 and "请先为新来的选择所在企业" in response.content.decode()
    assert WorkerAccount.objects.get(pk=account.pk).status == BindingStatus.PENDING

    enterprise = Worker.objects.visible_to(staff["qingyang_staff"]).first().enterprise
    sent = len(ConsoleSmsBackend.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        qingyang.post(f"/desk/bindings/{account.pk}/decide/", {"decision": "approve", "enterprise": enterprise.pk})
    message = Message.objects.get(recipient=account.user)
    assert message.title == "实名绑定已通过" and enterprise.name in message.body
    assert [to for to, text in ConsoleSmsBackend.outbox[sent:] if "实名绑定申请已通过" in text] == ["13912340005"]


def test_a_refused_worker_gets_a_message_and_a_text(registry, login, django_capture_on_commit_callbacks):
    from gonghui.cases.models import Message

    client = Client()
    register(client, "13912340006")
    body = "35058219960606204"
    client.post("/m/bind/", {"name": "不认识", "id_number": body + idnumber.check_char(body), "town": "qingyang"})
    account = WorkerAccount.objects.get(name="不认识")
    sent = len(ConsoleSmsBackend.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        login("qingyang_staff").post(f"/desk/bindings/{account.pk}/decide/",
                                     {"decision": "refuse", "reason": "企业未登记该员工"})
    message = Message.objects.get(recipient=account.user)
    assert message.title == "实名绑定未通过" and "企业未登记该员工" in message.body and "青阳街道" in message.body
    assert any("实名绑定申请未通过" in text for _, text in ConsoleSmsBackend.outbox[sent:])


def test_a_name_with_emoji_or_markup_is_refused_at_binding(registry):
    client = Client()
    register(client, "13912340007")
    body = "35058219960606205"
    page = client.post("/m/bind/", {"name": "王小明😀<script>x</script>", "id_number": body + idnumber.check_char(body),
                                    "town": "qingyang"}).content.decode()
    assert "姓名只能包含汉字、字母和间隔号“·”，2至30个字。" in page and "<script>x" not in page
    assert not WorkerAccount.objects.filter(user__username="13912340007").exists()


def test_a_name_asked_in_a_correction_is_checked_as_a_name(registry, staff):
    from gonghui.orgs.models import Org
    from gonghui.registry import consents
    from gonghui.registry.models import CorrectionRequest

    worker = Worker.objects.visible_to(staff["qingyang_staff"]).first()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("13912340008", password=PASSWORD, must_change_password=False)
    WorkerAccount.objects.create(user=user, worker=worker, status=BindingStatus.BOUND, name=worker.name,
                                 id_enc=worker.id_enc, id_bidx=worker.id_bidx,
                                 town=Org.objects.get(path=worker.org.path[:8]))
    with pytest.raises(ValidationError, match="姓名只能包含汉字"):
        consents.correction_ask(user=user, field="name", value="王小明<b>")
    row = consents.correction_ask(user=user, field="name", value="阿依古丽•买买提")
    assert CorrectionRequest.objects.get(pk=row.pk).requested_value == "阿依古丽·买买提"


def test_registration_does_not_tell_who_is_registered_and_is_throttled(registry):
    """Issue 23, finding 4: the page answers the same for a registered number (whose owner gets a text
    saying so) and a new one (which gets a code); a script trying numbers is stopped per number and per
    address."""
    register(Client(), "13912340011")
    known = Client().post("/m/register/", {"phone": "13912340011", "step": "send"}).content.decode()
    new = Client().post("/m/register/", {"phone": "13912340012", "step": "send"}).content.decode()
    strip = re.compile(r"139123400\d\d|csrfmiddlewaretoken\" value=\"[^\"]+\"|CSRFToken\": \"[^\"]+\"")
    assert strip.sub("", known) == strip.sub("", new) and "已注册" not in known
    texts = [text for to, text in ConsoleSmsBackend.outbox if to == "13912340011"]
    assert "该手机号已注册" in texts[-1] and "验证码是" not in texts[-1]
    # trying the registered number's "code" fails as any wrong code does
    tried = Client().post("/m/register/", {"phone": "13912340011", "step": "register", "code": "123456",
                                           "password": PASSWORD, "password2": PASSWORD}).content.decode()
    assert "验证码已失效，请重新获取" in tried
    # one address trying many numbers is stopped after 20 texts within the hour
    prober = Client(REMOTE_ADDR="203.0.113.9")
    answers = [prober.post("/m/register/", {"phone": f"1371234{n:04d}", "step": "send"}).content.decode()
               for n in range(21)]
    assert "获取验证码过于频繁" not in answers[19] and "获取验证码过于频繁" in answers[20]
    assert SmsCode.objects.filter(address="203.0.113.9").count() == 20
