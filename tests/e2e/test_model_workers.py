"""Model workers end to end: a retired provincial model worker signs in on the phone, reads their own page
(title, the allowances paid), claims a hospital subsidy — first with an invoice mutual aid already paid,
which is refused naming the programme — and the city's model-worker office values it by level (80%) and
approves it. A town clerk registers a model worker outside the registry, making a mistake on the way; a
leader reads the year's figures."""

import re

from playwright.sync_api import expect

from tests.e2e.test_assistance import _phone_log_in, _upload
from tests.e2e.test_cases import shot
from tests.e2e.test_foundation import log_in, nav


def test_a_model_workers_claim_and_the_register(phone, desktop, server, tmp_path):
    mobile, _name = server.shell(
        "from tests.e2e.setup_model_workers import retired_model_worker; print(retired_model_worker())").split("|")
    held = server.shell("from tests.e2e.setup_model_workers import invoice_held_by_mutual_aid; "
                        "print(invoice_held_by_mutual_aid())")

    # --- the model worker's own page, then a hospital claim ---
    _phone_log_in(phone, server, mobile)
    phone.goto(server + "/m/model-worker/")
    expect(phone.get_by_test_id("my-title")).to_contain_text("省部级劳动模范")
    expect(phone.get_by_test_id("my-allowances")).to_contain_text("已发放12个月")  # last year's, paid
    expect(phone.get_by_test_id("my-allowances")).to_contain_text("2,400.00元")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "model-worker-phone-mine")
    phone.get_by_role("link", name="申请医疗补助").click()
    phone.get_by_role("link", name="在线申请").click()
    phone.get_by_label("就医情况").fill("冠心病住院治疗，行支架植入术。")
    phone.get_by_label("开户行").fill("中国建设银行晋江支行")
    phone.get_by_label("银行卡号").fill("6217001234567890123")
    phone.get_by_role("button", name=re.compile("下一步")).click()
    number = re.search(r"LMYL-\d{4}-\d{6}", phone.get_by_test_id("case-head").inner_text()).group(0)
    form = phone.get_by_test_id("invoice-form")
    form.get_by_label("发票号码").fill(held)
    form.get_by_label("医院").fill("晋江市医院")
    form.get_by_label("结算日期").fill("2026-11-02")
    form.get_by_label("发票金额").fill("20000")
    form.get_by_label("已报销").fill("8125")
    form.get_by_role("button", name="添加发票").click()
    expect(phone.get_by_text(re.compile(f"发票{held}已在医疗互助"))).to_be_visible()
    form = phone.get_by_test_id("invoice-form")
    form.get_by_label("发票号码").fill("35LM2026110201")
    form.get_by_label("医院").fill("晋江市医院")
    form.get_by_label("结算日期").fill("2026-11-02")
    form.get_by_label("发票金额").fill("20000")
    form.get_by_label("已报销").fill("8125")
    form.get_by_role("button", name="添加发票").click()
    expect(phone.get_by_test_id("invoices")).to_contain_text("自付11,875.00元")
    _upload(phone, tmp_path, ("医疗费用发票", "医保结算单"))
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_test_id("case-state")).to_have_text("已提交")
    shot(phone, "model-worker-phone-claim")

    # --- the city values and approves it ---
    log_in(desktop, server, "city_staff")
    desktop.goto(server + f"/desk/cases/{number}/")
    desktop.get_by_role("button", name="受理").click()
    expect(desktop.get_by_test_id("quote")).to_contain_text("按标准测算：9,500.00 元")
    expect(desktop.get_by_test_id("quote")).to_contain_text("自付费用11,875.00元 × 80%")
    desktop.get_by_role("button", name="核准", exact=True).click()
    expect(desktop.get_by_test_id("subsidy")).to_contain_text("核准医疗补助 9,500.00 元（2026年度）")
    shot(desktop, "model-worker-desk-claim")
    desktop.get_by_role("button", name="退出").click()

    # --- a town clerk registers a retired model worker outside the registry ---
    log_in(desktop, server, "qingyang_staff")
    nav(desktop, "劳模服务")
    expect(desktop.get_by_test_id("register")).not_to_contain_text("梅岭街道总工会")  # only 青阳's own
    desktop.get_by_role("link", name="登记劳模").click()
    desktop.get_by_label("身份证号").fill("350582195805061236")
    desktop.get_by_label("称号").select_option(label="劳动模范")
    desktop.get_by_label("级别").select_option(label="市级")
    desktop.get_by_label("授予年份").fill("2003")
    desktop.get_by_label("授予机关").fill("泉州市人民政府")
    desktop.get_by_label("退休日期").fill("2018-06-01")
    desktop.get_by_label("管理单位").select_option(label="青阳街道总工会")
    desktop.get_by_role("button", name="登记").click()
    expect(desktop.get_by_test_id("form-errors")).to_contain_text("档案中没有该身份证号，请填写姓名")
    expect(desktop.get_by_label("授予年份")).to_have_value("2003")  # nothing typed is lost
    desktop.get_by_label("姓名").fill("蔡清泉")
    desktop.get_by_role("button", name="登记").click()
    expect(desktop.get_by_test_id("mw-name")).to_have_text("蔡清泉")
    expect(desktop.get_by_text("350582**********1236")).to_be_visible()
    shot(desktop, "model-worker-desk-detail")
    desktop.get_by_role("button", name="退出").click()

    # --- the year's figures ---
    log_in(desktop, server, "city_staff")
    desktop.goto(server + "/dash/model-workers/")
    benefits = desktop.get_by_test_id("benefits")
    expect(benefits).to_contain_text("131人")
    expect(benefits).to_contain_text("205,000.00")
    shot(desktop, "model-worker-dash")
