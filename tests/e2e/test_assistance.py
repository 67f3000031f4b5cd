"""Needy workers end to end: a worker applies for a hardship file on the phone with the household and its
documents (a wrong ID number on the way); the town's clerk accepts it, records the home visit and the
classification is computed; the public notice goes up (the names masked on the page and in the printed
notice), an objection comes in from the public and is answered; after the window the file is approved.
The household's student applies to Golden Autumn, is put on a notice, approved and paid through a payment
batch with the bank's result; a study-aid application for the same student that year is refused with the
reason."""

import io
import re
import time

from playwright.sync_api import expect

from gonghui.accounts.demo_accounts import DEMO_PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.test_cases import photo, shot
from tests.e2e.test_foundation import log_in
from tests.e2e.test_registry import totp_code


def _phone_log_in(page, server, phone_number):
    page.goto(server + "/m/login/")
    page.get_by_label("手机号").fill(phone_number)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def _apply(page, search, item):
    page.get_by_role("link", name="办事").click()
    page.get_by_placeholder("搜索服务事项").fill(search)
    page.get_by_role("link", name=re.compile(item)).first.click()
    page.get_by_role("link", name="在线申请").click()


def _upload(page, tmp_path, materials):
    for i, material in enumerate(materials):
        page.get_by_label(f"上传{material}").set_input_files(photo(tmp_path, f"{material}.jpg", (200, 60 * i, 90)))
        expect(page.get_by_text("材料已上传")).to_be_visible()


def _publicise(desktop, server, item_code, number):
    desktop.get_by_test_id("to-publicise").click()
    form = desktop.get_by_test_id("publicise-form").filter(has_text=number)
    form.get_by_role("button", name="发布公示").click()
    expect(desktop.get_by_text(re.compile(r"已发布公示GS-\d{4}-\d{6}"))).to_be_visible()
    return re.search(r"GS-\d{4}-\d{6}", desktop.url).group(0)


def test_hardship_file_golden_autumn_and_no_double_aid(phone, desktop, browser, server, tmp_path):
    mobile, own_id, name = server.shell(
        "from tests.e2e.setup_assistance import needy_worker; print(needy_worker())").split("|")
    spouse_id, child_id = (server.shell(f"from tests.e2e.setup_assistance import family_id; "
                                        f"print(family_id('{own_id}', '{born}', {seq}))")
                           for born, seq in (("19790312", 22), ("20080901", 31)))

    # --- the worker applies for a file on the phone, with the household ---
    _phone_log_in(phone, server, mobile)
    _apply(phone, "困难", "困难职工建档")
    phone.get_by_label("致困原因").select_option("本人或家人患重病")
    phone.get_by_label("家庭年医疗自付支出（元）").fill("6000")
    phone.get_by_label("家庭困难情况").fill("丈夫患尿毒症每周透析，孩子上大学，家里只有我一份工资。")
    phone.get_by_role("button", name=re.compile("下一步")).click()
    number = re.search(r"KNDA-\d{4}-\d{6}", phone.get_by_test_id("case-head").inner_text()).group(0)
    members = phone.get_by_test_id("member-form")
    expect(members.get_by_label("姓名")).to_have_value(name)  # herself first, her name filled in
    members.get_by_label("身份证号").fill(own_id)
    members.get_by_label("年收入").fill("24000")
    members.get_by_role("button", name="添加家庭成员").click()
    members = phone.get_by_test_id("member-form")
    members.get_by_label("关系").select_option(label="配偶")
    members.get_by_label("姓名").fill("陈建国")
    members.get_by_label("身份证号").fill(spouse_id)
    members.get_by_label("年收入").fill("0")
    members.get_by_label("健康").select_option(label="重大疾病")
    members.get_by_label("就业").select_option(label="无劳动能力")
    members.get_by_role("button", name="添加家庭成员").click()
    members = phone.get_by_test_id("member-form")
    members.get_by_label("关系").select_option(label="子女")
    members.get_by_label("姓名").fill("陈子涵")
    members.get_by_label("身份证号").fill(child_id[:-1] + ("0" if child_id[-1] != "0" else "1"))  # a slip
    members.get_by_label("年收入").fill("0")
    members.get_by_label("就业").select_option(label="在读学生")
    members.get_by_label("就学").select_option(label="本科及以上")
    members.get_by_role("button", name="添加家庭成员").click()
    expect(phone.get_by_text("身份证号校验位错误，请核对号码")).to_be_visible()
    members = phone.get_by_test_id("member-form")
    members.get_by_label("关系").select_option(label="子女")
    members.get_by_label("姓名").fill("陈子涵")
    members.get_by_label("身份证号").fill(child_id)
    members.get_by_label("年收入").fill("0")
    members.get_by_label("就业").select_option(label="在读学生")
    members.get_by_label("就学").select_option(label="本科及以上")
    members.get_by_role("button", name="添加家庭成员").click()
    household = phone.get_by_test_id("members")
    expect(household).to_contain_text("陈子涵")
    expect(phone.get_by_text("家庭成员（3人）")).to_be_visible()
    expect(household).not_to_contain_text(own_id)  # masked on screen
    _upload(phone, tmp_path, ("身份证（正反面）", "户口簿", "家庭成员收入证明"))
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_test_id("case-state")).to_have_text("已提交")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "assistance-phone-household")

    # --- the town's clerk: accept, the home visit with its photo, the classification ---
    log_in(desktop, server, "qingyang_staff")
    desktop.goto(server + f"/desk/cases/{number}/")
    desktop.get_by_role("button", name="受理").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已受理")
    desktop.get_by_label("材料类型").select_option(label="入户核查照片")
    desktop.get_by_label("扫描件").set_input_files(photo(tmp_path, "visit.jpg", (90, 140, 90)))
    desktop.get_by_role("button", name="上传扫描件").click()
    visit = desktop.get_by_test_id("visit-form")
    visit.get_by_label("核查人员").fill("陈志强")  # one visitor: not enough
    visit.get_by_label("核查情况").fill("住房简陋，丈夫卧床，收入情况属实。")
    visit.get_by_role("button", name="记录入户核查").click()
    expect(desktop.get_by_text("入户核查须两名工作人员")).to_be_visible()
    visit = desktop.get_by_test_id("visit-form")
    visit.get_by_label("核查人员").fill("陈志强、黄丽娟")
    visit.get_by_label("核查情况").fill("住房简陋，丈夫卧床，收入情况属实。")
    visit.get_by_role("button", name="记录入户核查").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已入户核查")
    # (24,000 − 6,000) ÷ 12 ÷ 3 = 500 a month, below the city's 850: deep hardship
    expect(desktop.get_by_test_id("classification")).to_contain_text("认定：深度困难")
    expect(desktop.get_by_test_id("classification")).to_contain_text("= 500.00元")
    shot(desktop, "assistance-desk-visited")

    # --- the public notice: masked on the page and in the printed notice ---
    notice = _publicise(desktop, server, "hardship_file", number)
    masked = name[0] + "*" * (len(name) - 1) if len(name) <= 2 else name[0] + "*" * (len(name) - 2) + name[-1]
    public = browser.new_context(viewport=PHONE, locale="zh-CN")
    passer_by = public.new_page()
    passer_by.goto(server + f"/m/notices/{notice}/")
    expect(passer_by.get_by_text(masked).first).to_be_visible()
    page_text = passer_by.content()
    assert name not in page_text and own_id not in page_text and own_id[-4:] in page_text
    from pypdf import PdfReader

    pdf = desktop.request.get(server + f"/desk/notices/{notice}/notice.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace(" ", "").replace("\n", "")
    assert masked in text and name not in text and own_id not in text
    # an objection from the public, answered by the clerk
    passer_by.get_by_label("异议对象").select_option(index=1)
    passer_by.get_by_label("异议内容").fill("听说她家在老家还有一栋房子出租。")
    passer_by.get_by_role("button", name="提交异议").click()
    expect(passer_by.get_by_test_id("objection-done")).to_be_visible()
    shot(passer_by, "assistance-phone-notice")
    public.close()
    desktop.goto(server + f"/desk/cases/{number}/")
    expect(desktop.get_by_test_id("notice-status")).to_contain_text("期满后方可审批")
    desktop.goto(server + f"/desk/notices/{notice}/")
    desktop.get_by_label("核查情况和答复").fill("经核查，老家房屋为其父母所有并自住，异议不成立。")
    desktop.get_by_role("button", name="异议不成立").click()
    expect(desktop.get_by_test_id("objections")).to_contain_text("异议不成立")
    # the window closes: the file is approved
    server.shell(f"from tests.e2e.setup_assistance import window_passes; print(window_passes('{number}'))")
    desktop.goto(server + f"/desk/cases/{number}/")
    expect(desktop.get_by_test_id("notice-status")).to_contain_text("公示期满，无异议，可以审批")
    desktop.get_by_role("button", name="审批建档").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已建档")
    expect(desktop.get_by_test_id("household")).to_contain_text("在档")
    shot(desktop, "assistance-desk-on-file")

    # --- Golden Autumn for the son, on the phone ---
    _apply(phone, "金秋", "金秋助学")
    phone.get_by_label("学生姓名").fill("陈子涵")
    phone.get_by_label("学生身份证号").fill(child_id)
    phone.get_by_label("录取学校").fill("福州大学")
    phone.get_by_label("录取层次").select_option("本科一年级（本二及以上）")
    phone.get_by_label("是否属于以下情形").select_option("以上情形均不是")
    phone.get_by_label("是否已获其他单位资助").select_option("否")
    phone.get_by_label("开户行").fill("中国农业银行晋江青阳支行")
    phone.get_by_label("银行卡号").fill("6228480012345678903")
    phone.get_by_role("button", name=re.compile("下一步")).click()
    autumn = re.search(r"JQZX-\d{4}-\d{6}", phone.get_by_test_id("case-head").inner_text()).group(0)
    _upload(phone, tmp_path, ("录取通知书", "学生证或学生身份证"))
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_test_id("case-state")).to_have_text("已提交")

    desktop.goto(server + f"/desk/cases/{autumn}/")
    desktop.get_by_role("button", name="受理").click()
    desktop.get_by_role("button", name="开始审核").click()
    expect(desktop.get_by_test_id("quote")).to_contain_text("3,000.00 元")
    _publicise(desktop, server, "golden_autumn", autumn)
    server.shell(f"from tests.e2e.setup_assistance import window_passes; print(window_passes('{autumn}'))")
    desktop.goto(server + f"/desk/cases/{autumn}/")
    desktop.get_by_role("button", name="核准资助").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已核准")
    expect(desktop.get_by_test_id("award")).to_contain_text("核准本科一年级（本二及以上） 3,000.00 元")
    desktop.get_by_role("button", name="退出").click()

    # --- the same student, study aid the same year: refused with the reason ---
    _apply(phone, "救助", "困难职工救助")
    phone.get_by_label("救助类别").select_option("助学（大学、大专）")
    phone.get_by_label("申请金额（元）").fill("5000")
    phone.get_by_label("学生身份证号").fill(child_id)
    phone.get_by_label("申请理由").fill("孩子上大学学费和生活费负担重。")
    phone.get_by_label("开户行").fill("中国农业银行晋江青阳支行")
    phone.get_by_label("银行卡号").fill("6228480012345678903")
    phone.get_by_role("button", name=re.compile("下一步")).click()
    _upload(phone, tmp_path, ("相关证明材料",))
    phone.get_by_role("button", name="提交申请").click()
    refusal = phone.get_by_test_id("submit-errors")
    expect(refusal).to_contain_text("陈子涵已于")
    expect(refusal).to_contain_text(f"获金秋助学（{autumn}，助学，3,000.00元），同一年度同一用途不重复救助")
    shot(phone, "assistance-phone-refused")

    # --- finance pays the Golden Autumn award through a batch and imports the bank's result ---
    secret = server.shell("from tests.e2e.setup_legal import finance_officer_with_an_authenticator as f; print(f())")
    log_in(desktop, server, "legal_finance")
    desktop.get_by_label("验证码").fill(totp_code(secret))
    desktop.get_by_role("button", name="验证").click()
    desktop.goto(server + "/desk/payments/?source=assistance&tag=golden_autumn")
    rows = desktop.get_by_test_id("payable-rows")
    expect(rows.locator("tr", has_text=autumn)).to_contain_text("3,000.00")
    for box in rows.locator("input[type=checkbox]").all():  # only this student's award in this batch
        if autumn not in (box.get_attribute("aria-label") or ""):
            box.uncheck()
    desktop.get_by_role("button", name="用勾选的记录生成支付批次").click()
    expect(desktop.get_by_test_id("lines")).to_contain_text(autumn)
    time.sleep(30 - time.time() % 30 + 1)  # a fresh code for the approval
    desktop.get_by_label("动态验证码").fill(totp_code(secret))
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.get_by_role("button", name=re.compile(r"审批批次（\d+笔")).click()
    expect(desktop.get_by_test_id("batch-state")).to_have_text("已审批")
    with desktop.expect_download():
        desktop.get_by_role("link", name="导出银行文件（Excel）").click()
    from gonghui.core.spreadsheets import write_xlsx

    result = tmp_path / "bank-result.xlsx"
    result.write_bytes(write_xlsx(["业务参考号", "状态", "失败原因"], [[autumn, "成功", ""]], sheet="结果"))
    desktop.reload()
    desktop.get_by_label("银行结果文件").set_input_files(str(result))
    desktop.get_by_role("button", name="导入银行结果").click()
    expect(desktop.get_by_text(re.compile(r"已导入银行结果：成功1笔"))).to_be_visible()
    phone.goto(server + f"/m/cases/{autumn}/")
    expect(phone.get_by_test_id("case-state")).to_have_text("已办结")
    expect(phone.get_by_test_id("award")).to_contain_text("已发放到您的银行卡")
    shot(phone, "assistance-phone-paid")

    # --- the leaders' figures ---
    desktop.goto(server + "/dash/assistance/")
    expect(desktop.get_by_test_id("tiers")).to_contain_text("本科一年级（本二及以上）")
    shot(desktop, "assistance-dash")
