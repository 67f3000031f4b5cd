"""A worker on a phone: registers with an SMS code, binds to the registry, sees only their own record."""

import re
import time

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


def _register(phone, server, mobile):
    phone.goto(server + "/m/register/")
    phone.get_by_label("手机号").fill(mobile)
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.get_by_text("验证码已发送至您的手机")).to_be_visible()
    outbox = (server.data / "sms-outbox.log").read_text(encoding="utf-8")
    phone.get_by_label("验证码").fill(re.findall(rf"{mobile}: .*验证码是 (\d{{6}})", outbox)[-1])
    phone.get_by_label("设置密码").fill("Worker#2026pw")
    phone.get_by_label("确认密码").fill("Worker#2026pw")
    phone.get_by_role("button", name="注册").click()


def test_a_new_employee_binds_by_review_and_the_clerk_decides(phone, desktop, server):
    """A worker the registry does not know yet: an ordinary step, what was typed kept; the town's clerk calls,
    is told what is missing, admits the worker; the worker is told."""
    from gonghui.core.idnumber import check_char
    from tests.e2e.conftest import ARTIFACTS
    from tests.e2e.test_foundation import log_in, nav

    body = "35058219970707301"
    number = body + check_char(body)
    mobile = "13987650002"
    _register(phone, server, mobile)
    phone.get_by_label("姓名").fill("林新来")
    phone.get_by_label("身份证号").fill(number)
    phone.get_by_role("button", name="绑定").click()
    note = phone.get_by_test_id("bind-review")
    expect(note).to_contain_text("一般3个工作日内完成")
    expect(phone.get_by_label("身份证号")).to_have_value(number)  # kept, not retyped
    expect(phone.locator(".m-tip_error")).to_have_count(0)  # an ordinary path, not an error
    phone.get_by_role("button", name="提交审核").click()  # forgot the town
    expect(phone.get_by_text("请选择您所在的镇街。")).to_be_visible()
    expect(phone.get_by_label("身份证号")).to_have_value(number)
    phone.get_by_label("所在镇街").select_option(label="梅岭街道")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "worker-bind-review.png"), full_page=True)
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.get_by_test_id("me")).to_contain_text("一般3个工作日内完成")
    phone.screenshot(path=str(ARTIFACTS / "worker-bind-waiting.png"), full_page=True)

    log_in(desktop, server, "meiling_staff")  # 梅岭's clerk (no second factor enrolled by another test)
    nav(desktop, "绑定审核")
    row = desktop.get_by_test_id("bindings").get_by_role("row").filter(has_text="林新来")
    expect(row.get_by_test_id("binding-phone")).to_have_text(mobile)
    row.get_by_role("button", name="通过", exact=True).click()  # no enterprise chosen
    expect(desktop.get_by_text("请先为林新来选择所在企业，再点“通过”。")).to_be_visible()
    desktop.screenshot(path=str(ARTIFACTS / "desk-binding-missing.png"), full_page=True)
    row = desktop.get_by_test_id("bindings").get_by_role("row").filter(has_text="林新来")
    row.get_by_label("所在企业").select_option(index=1)
    row.get_by_role("button", name="通过", exact=True).click()
    expect(desktop.get_by_text(re.compile(r"已通过：林新来已加入职工档案"))).to_be_visible()

    phone.goto(server + "/m/me/")
    expect(phone.get_by_test_id("me")).to_contain_text(number[:6] + "**********" + number[-4:])
    outbox = (server.data / "sms-outbox.log")
    deadline = time.monotonic() + 20
    while "实名绑定申请已通过" not in outbox.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, "no text about the binding within 20 seconds"
        time.sleep(0.3)
