"""Medical mutual aid end to end: a worker files a claim with photos on a phone; staff review and approve;
finance batches, exports the bank file and imports the bank's result with one failed row; the worker
sees "paid" for one claim and "correct your bank card" for the other."""

import io
import re
import time

import openpyxl
from playwright.sync_api import expect

from gonghui.accounts.demo_accounts import DEMO_PASSWORD
from gonghui.cases.demo_data import DEMO_WORKER_PHONE
from tests.e2e.test_cases import photo, shot
from tests.e2e.test_foundation import log_in, nav
from tests.e2e.test_registry import totp_code
from tests.files import xlsx


def test_claim_review_payment_and_a_failed_transfer(phone, desktop, server, tmp_path):
    other = server.shell("from tests.e2e.setup_mutual_aid import demo_worker_with_an_approved_claim as f; print(f())")

    # --- the worker files a claim on the phone ---
    phone.goto(server + "/m/login/")
    phone.get_by_label("手机号").fill(DEMO_WORKER_PHONE)
    phone.get_by_label("密码").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.goto(server + "/m/mutual-aid/")
    expect(phone.get_by_test_id("coverage")).to_contain_text("住院医疗互助")
    phone.get_by_role("link", name="申请住院补助").click()
    phone.get_by_role("link", name="在线申请").click()
    phone.get_by_label("互助项目").select_option("住院医疗互助")
    phone.get_by_label("就诊医院").fill("晋江市医院")
    phone.get_by_label("入院日期").fill("2026-09-01")
    phone.get_by_label("出院日期").fill("2026-09-09")
    phone.get_by_label("诊断").fill("急性阑尾炎")
    phone.get_by_label("开户行").fill("中国农业银行晋江支行")
    phone.get_by_label("银行卡号").fill("6228480012345670001")
    phone.get_by_role("button", name="下一步：上传材料").click()
    number = re.search(r"YLHZ-\d{4}-\d{6}", phone.get_by_test_id("case-head").inner_text()).group(0)
    phone.get_by_label("发票号码").fill("E2E0000001")
    phone.get_by_label("发票金额").fill("15000")
    phone.get_by_label("医保范围内").fill("12000")
    phone.get_by_role("button", name="添加发票").click()
    expect(phone.get_by_test_id("invoices")).to_contain_text("E2E0000001")
    for i, material in enumerate(("住院发票原件", "医保结算单", "出院小结", "身份证（正反面）", "本人银行卡")):
        phone.get_by_label(f"上传{material}").set_input_files(photo(tmp_path, f"m{i}.jpg", (40 * i, 120, 200)))
        expect(phone.get_by_text("材料已上传")).to_be_visible()
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_test_id("case-state")).to_have_text("已提交")
    shot(phone, "aid-phone-submitted")

    # --- the town's staff review the scans beside the figures, and approve ---
    log_in(desktop, server, "qingyang_staff")
    nav(desktop, "办件队列")
    desktop.get_by_role("link", name=number).click()
    expect(desktop.get_by_test_id("documents").locator("img")).to_have_count(5)
    desktop.get_by_role("button", name="受理").click()
    desktop.get_by_role("button", name="开始审核").click()
    expect(desktop.get_by_test_id("working")).to_contain_text("按规则试算：1560.00 元")  # 13% of 12,000
    shot(desktop, "aid-desk-review")
    desktop.get_by_role("button", name="核准").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已核准")
    href = desktop.get_by_role("link", name="打印报销受理单").get_attribute("href")
    pdf = desktop.request.get(server + href)  # the staff member's session, as the print button opens it
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    desktop.get_by_role("button", name="退出").click()

    # --- finance: second factor, batch, approve, bank file, bank result with one failure ---
    log_in(desktop, server, "city_finance")
    secret = desktop.get_by_test_id("totp-secret").inner_text()
    # the browser fetches the favicon on its own and the officer reloads before typing: same secret
    assert desktop.request.get(server + "/favicon.ico").ok
    desktop.reload()
    assert desktop.get_by_test_id("totp-secret").inner_text() == secret
    desktop.get_by_label("6位验证码").fill(totp_code(secret))
    desktop.get_by_role("button", name="绑定").click()
    desktop.goto(server + "/desk/payments/")
    desktop.get_by_role("button", name="生成支付批次").click()
    # approving asks for a fresh code (the one just used at enrolment is spent: the next one, half a minute
    # on) and for a confirmation with the count and the total
    time.sleep(30 - time.time() % 30 + 1)
    desktop.get_by_label("动态验证码").fill(totp_code(secret))
    asked = []
    desktop.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    desktop.get_by_role("button", name=re.compile(r"审批批次（\d+笔")).click()
    expect(desktop.get_by_test_id("batch-state")).to_have_text("已审批")
    assert re.match(r"确认审批支付批次ZF-\d{4}-\d{6}：共\d+笔，合计[\d,.]+元？", asked[0])
    lines = desktop.get_by_test_id("lines")
    expect(lines).to_contain_text(number)
    expect(lines).to_contain_text(other)
    expect(lines).not_to_contain_text("6228480012345670001")  # masked on screen
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="导出银行文件（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = [r for r in sheet.iter_rows(values_only=True)][1:]
    assert (number, 1560, "6228480012345670001") in [(r[4], r[3], r[2]) for r in rows]  # the amount a number
    result = tmp_path / "bank-result.xlsx"
    result.write_bytes(xlsx(["业务参考号", "状态", "失败原因"],
                            [[r[4], "失败" if r[4] == other else "成功", "户名与账号不符" if r[4] == other else ""]
                             for r in rows]))
    desktop.reload()
    desktop.get_by_label("银行结果文件").set_input_files(str(result))
    desktop.get_by_role("button", name="导入银行结果").click()
    expect(desktop.get_by_text(re.compile(r"已导入银行结果：成功\d+笔，失败1笔"))).to_be_visible()
    shot(desktop, "aid-desk-batch")

    # --- the leaders' home: the module's panel with the year's figures, a link to the page behind them ---
    desktop.goto(server + "/dash/")
    panel = desktop.get_by_test_id("panel-mutual_aid")
    expect(panel).to_contain_text("已发放（笔）")
    expect(panel).to_contain_text("已发放补助（万元）")
    shot(desktop, "aid-dash-home")
    panel.get_by_role("link", name="查看详情 ›").click()
    expect(desktop.get_by_test_id("paid-count")).to_be_visible()

    # --- the worker: one paid, one to correct ---
    phone.goto(server + f"/m/cases/{number}/")
    expect(phone.get_by_test_id("case-state")).to_have_text("已办结")
    expect(phone.get_by_test_id("subsidy")).to_contain_text("已发放到您的银行卡")
    phone.goto(server + f"/m/cases/{other}/")
    expect(phone.get_by_test_id("payee")).to_contain_text("支付失败，请更正银行卡")
    expect(phone.get_by_test_id("payee")).to_contain_text("户名与账号不符")
    shot(phone, "aid-phone-correct")
    phone.get_by_label("开户行").fill("中国工商银行晋江支行")
    phone.get_by_label("银行卡号").fill("6222021402000000009")
    phone.get_by_role("button", name="提交更正").click()
    expect(phone.get_by_text("收款账户已更正")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_administrator_sets_up_next_year_and_tries_its_rules(desktop, server):
    log_in(desktop, server, "city_mutualaid")
    desktop.goto(server + "/desk/mutual-aid/")
    desktop.get_by_role("link", name="年度与规则").first.click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("2026年度 示例规则")
    desktop.get_by_role("navigation", name="位置").get_by_role("link", name="年度与规则").click()
    expect(desktop.get_by_test_id("plan-years")).to_contain_text("2027年度")
    desktop.get_by_label("年度", exact=True).fill("2028")
    desktop.get_by_label("复制自").select_option("2027")
    desktop.get_by_role("button", name="设立年度").click()
    expect(desktop.get_by_role("heading", level=1)).to_contain_text("2028年度")
    expect(desktop.get_by_label("报销申请截止")).to_have_value("2029-03-31")
    expect(desktop.get_by_test_id("products")).to_contain_text("女职工特殊疾病互助")
    shot(desktop, "aid-plan-year")

    desktop.get_by_test_id("products").get_by_role("link", name="住院医疗互助").click()
    desktop.get_by_label("分档比例").fill("10000 10%\n以上 15%")
    desktop.get_by_label("示例费用").fill("30000")
    desktop.get_by_role("button", name="试算").click()
    trial = desktop.get_by_test_id("trial")
    expect(trial).to_contain_text("10,000.00元以上部分20,000.00元 × 15%")  # the first band, then the rest
    expect(trial).to_contain_text("试算补助：4,000.00 元")  # 10% of 10,000 + 15% of 20,000
    shot(desktop, "aid-product-trial")
    desktop.get_by_role("button", name="保存项目").click()
    expect(desktop.get_by_role("alert").or_(desktop.locator(".alert-success"))).to_contain_text("已保存")

    desktop.goto(server + "/dash/mutual-aid/?year=2026")
    expect(desktop.get_by_test_id("persons")).not_to_have_text("0")
    shot(desktop, "aid-figures")
    desktop.get_by_role("link", name="对账").click()
    expect(desktop.get_by_test_id("balance")).to_be_visible()
    shot(desktop, "aid-reconcile")
