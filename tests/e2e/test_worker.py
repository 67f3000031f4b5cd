"""A worker on a phone: registers with an SMS code, binds to the registry, sees only their own record."""

import re

from playwright.sync_api import expect


def test_worker_registers_binds_and_sees_their_own_profile(phone, server):
    name, number = server.shell(
        "from gonghui.registry.models import Worker; w = Worker.objects.order_by('pk')[7];"
        "print(w.name + ',' + w.id_number_clear())").split(",")
    mobile = "13987650001"

    phone.goto(server + "/m/login/")
    phone.get_by_role("link", name="新用户注册").click()
    phone.get_by_label("手机号").fill(mobile)
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.get_by_text("验证码已发送至您的手机")).to_be_visible()
    outbox = (server.data / "sms-outbox.log").read_text(encoding="utf-8")
    code = re.findall(rf"{mobile}: .*验证码是 (\d{{6}})", outbox)[-1]
    phone.get_by_label("验证码").fill(code)
    phone.get_by_label("设置密码").fill("Worker#2026pw")
    phone.get_by_label("确认密码").fill("Worker#2026pw")
    phone.get_by_role("button", name="注册").click()

    expect(phone.get_by_role("heading", name="实名绑定")).to_be_visible()
    phone.get_by_label("姓名").fill(name)
    phone.get_by_label("身份证号").fill(number)
    phone.get_by_role("button", name="绑定").click()

    card = phone.get_by_test_id("me")
    expect(card).to_contain_text(name)
    expect(card).to_contain_text(number[:6] + "**********" + number[-4:])
    expect(card).not_to_contain_text(number)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # the workbench is not theirs
    phone.goto(server + "/desk/workers/")
    expect(phone.get_by_text("尚未被授予任何组织的角色")).to_be_visible()
    phone.goto(server + "/m/me/")
