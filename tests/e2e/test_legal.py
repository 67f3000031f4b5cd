"""Legal services end to end: a worker asks a question on the phone with a photo of the contract; the lawyer
it went to answers; the worker turns it into a legal-aid application; the city's staff take it in, decide
and assign a lawyer inside the statutory clocks; the lawyer — who finds no other case — accepts, records
the stages and concludes with the amount recovered; the firm's reward is gathered into a payment batch."""

import re
import time

from playwright.sync_api import expect

from gonghui.accounts.demo_accounts import DEMO_PASSWORD
from gonghui.cases.demo_data import DEMO_WORKER_PHONE
from tests.e2e.test_cases import photo, shot
from tests.e2e.test_foundation import log_in, nav
from tests.e2e.test_registry import totp_code


def test_legal_aid_from_the_phone_to_the_lawyers_reward(phone, desktop, server, tmp_path):
    # --- the worker applies on the phone ---
    phone.goto(server + "/m/login/")
    phone.get_by_label("手机号").fill(DEMO_WORKER_PHONE)
    phone.get_by_label("密码").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="办事").click()
    phone.get_by_placeholder("搜索服务事项").fill("法律")
    phone.get_by_role("link", name=re.compile("法律咨询")).first.click()
    phone.get_by_role("link", name="在线申请").click()
    phone.get_by_label("问题类型").select_option("追索劳动报酬")
    phone.get_by_label("您的问题").fill("公司拖欠2026年6月至9月工资共36000元，多次催讨未果，我该怎么办？")
    phone.get_by_role("button", name="下一步：上传材料").click()
    asked = re.search(r"FLZX-\d{4}-\d{6}", phone.get_by_test_id("case-head").inner_text()).group(0)
    phone.get_by_label("上传相关照片").set_input_files(photo(tmp_path, "contract.jpg", (120, 160, 200)))
    expect(phone.get_by_text("材料已上传")).to_be_visible()
    phone.get_by_role("button", name="提交咨询").click()
    expect(phone.get_by_test_id("case-state")).to_have_text("待答复")
    lawyer_name = server.shell(f"from gonghui.cases.models import CaseAssignment as A; "
                               f"a = A.objects.get(case__number='{asked}'); print(a.user.username)")

    # --- the lawyer it went to answers ---
    log_in(desktop, server, lawyer_name)
    desktop.get_by_role("link", name=asked).click()
    expect(desktop.get_by_test_id("consult-thread")).to_contain_text("多次催讨未果")
    desktop.get_by_label("答复（咨询人会收到通知）").fill("可以申请法律援助，由工会指派律师代理劳动仲裁。")
    desktop.get_by_role("button", name="发送答复").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已答复")
    desktop.get_by_role("button", name="退出").click()

    # --- the worker reads the answer and turns the question into a legal-aid application ---
    phone.goto(server + f"/m/cases/{asked}/")
    expect(phone.get_by_test_id("consult-thread")).to_contain_text("由工会指派律师代理")
    shot(phone, "legal-phone-answered")
    phone.get_by_role("button", name="申请法律援助").click()
    expect(phone.get_by_label("案情简述")).to_have_value(re.compile("多次催讨未果"))
    phone.get_by_label("涉案金额（元）").fill("36000")
    phone.get_by_role("button", name=re.compile("保存|下一步")).click()
    number = re.search(r"FLYZ-\d{4}-\d{6}", phone.get_by_test_id("case-head").inner_text()).group(0)
    expect(phone.get_by_test_id("case-materials")).to_contain_text("证据材料")  # the contract's photo came along
    for i, material in enumerate(("身份证（正反面）", "劳动关系证明")):
        phone.get_by_label(f"上传{material}").set_input_files(photo(tmp_path, f"l{i}.jpg", (200, 40 * i, 90)))
        expect(phone.get_by_text("材料已上传")).to_be_visible()
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_test_id("case-state")).to_have_text("已提交")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "legal-phone-submitted")

    # --- the city's legal service centre: take it in, grant aid, assign a lawyer ---
    log_in(desktop, server, "city_staff")
    nav(desktop, "办件队列")
    desktop.get_by_placeholder(re.compile("编号")).fill(number)
    desktop.keyboard.press("Enter")
    desktop.get_by_role("link", name=number).click()
    expect(desktop.get_by_test_id("clocks")).to_contain_text("审查决定时限（7个自然日）")
    desktop.get_by_role("button", name="受理").click()
    expect(desktop.get_by_test_id("means-test")).to_contain_text("经济困难审查：待核查")
    desktop.get_by_role("button", name="决定给予援助").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已决定援助")
    expect(desktop.get_by_test_id("clocks")).to_contain_text("指派律师时限（3个自然日）")
    desktop.get_by_text("指派律师…").click()
    desktop.get_by_label("指派给").select_option(label="林秀英（律师）")
    desktop.get_by_role("button", name="确认指派律师").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已指派律师")
    expect(desktop.get_by_test_id("assignment")).to_contain_text("林秀英（福建晋律律师事务所）")
    shot(desktop, "legal-desk-assigned")
    desktop.get_by_role("button", name="退出").click()

    # --- the lawyer: only their cases; accept, record the stages, conclude ---
    log_in(desktop, server, "lawyer2")
    expect(desktop).to_have_url(re.compile(r"/desk/cases/$"))
    queue = desktop.get_by_test_id("queue")
    expect(queue).to_contain_text(number)
    expect(queue).not_to_contain_text("YLHZ-")  # no claim of mutual aid, no errand
    assert desktop.request.get(server + "/desk/cases/HXCP-2026-000001/").status == 404
    assert desktop.request.get(server + "/desk/workers/").ok  # an empty search, nothing to list
    desktop.get_by_role("link", name=number).click()
    desktop.get_by_role("button", name="接受指派").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("律师承办中")
    stage = desktop.get_by_test_id("stage-form")
    stage.get_by_label("办案阶段").select_option(label="协商")
    stage.get_by_label("开始日期").fill(_today(server))
    stage.get_by_label("结束日期（未结束可不填）").fill(_today(server))
    stage.get_by_label("阶段结果").fill("企业拒绝支付")
    stage.get_by_role("button", name="记录阶段").click()
    expect(desktop.get_by_test_id("aid-stages")).to_contain_text("协商：企业拒绝支付")
    stage = desktop.get_by_test_id("stage-form")
    stage.get_by_label("办案阶段").select_option(label="劳动仲裁")
    stage.get_by_label("开始日期").fill(_today(server))
    stage.get_by_label("阶段结果").fill("仲裁调解，企业一次性支付")
    stage.get_by_role("button", name="记录阶段").click()
    form = desktop.get_by_test_id("conclude-form")
    form.get_by_label("结案方式").select_option(label="调解结案")
    form.get_by_label(re.compile("的确认金额")).fill("32000")
    form.get_by_label(re.compile("的实际追回金额")).fill("33000")  # a slip: more than awarded
    form.get_by_role("button", name="确认结案").click()
    expect(desktop.get_by_text("实际追回金额不能大于确认金额")).to_be_visible()
    form = desktop.get_by_test_id("conclude-form")
    form.get_by_label("结案方式").select_option(label="调解结案")
    form.get_by_label(re.compile("的确认金额")).fill("32000")
    form.get_by_label(re.compile("的实际追回金额")).fill("32000")
    form.get_by_role("button", name="确认结案").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已结案")
    expect(desktop.get_by_test_id("reward")).to_contain_text("律师补贴 3,750.00 元（支付给福建晋律律师事务所）")
    shot(desktop, "legal-desk-concluded")
    desktop.get_by_role("button", name="退出").click()

    # --- the worker sees the outcome ---
    phone.goto(server + f"/m/cases/{number}/")
    expect(phone.get_by_test_id("case-state")).to_have_text("已结案")
    expect(phone.get_by_test_id("aid-outcome")).to_contain_text("已追回 32,000.00 元")
    expect(phone.get_by_test_id("aid-stages")).to_contain_text("劳动仲裁")
    shot(phone, "legal-phone-concluded")

    # --- finance gathers the firm's reward into a payment batch ---
    secret = server.shell("from tests.e2e.setup_legal import finance_officer_with_an_authenticator as f; print(f())")
    log_in(desktop, server, "legal_finance")
    # the same authenticator approved a batch in the assistance test, maybe within this 30-second window:
    # a code is good once, so wait for a fresh one
    time.sleep(30 - time.time() % 30 + 1)
    desktop.get_by_label("验证码").fill(totp_code(secret))
    desktop.get_by_role("button", name="验证").click()
    nav(desktop, "补助金支付")
    desktop.get_by_role("link", name="法律援助律师补贴").click()
    rows = desktop.get_by_test_id("payable-rows")
    expect(rows).to_contain_text(number)
    expect(rows.locator("tr", has_text=number)).to_contain_text("3,750.00")  # 2,500 + 1,250: two stages
    desktop.get_by_role("button", name="生成支付批次").click()
    expect(desktop.get_by_test_id("lines")).to_contain_text("福建晋律律师事务所")
    shot(desktop, "legal-desk-reward-batch")


def _today(server) -> str:
    return server.shell("from django.utils import timezone; print(timezone.localdate().isoformat())")
