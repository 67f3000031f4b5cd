"""Petitions end to end. A 12351 call is logged as a work order while the caller talks, dispatched to 青阳,
answered there and called back by the hotline. A worker's visit to 青阳 is registered as a petition (the
clerk first forgets the type), accepted; the city extends the handling once and the worker reads the reason
on the phone; 青阳 replies; the worker asks for a review on the phone; the city answers it."""

import re

from playwright.sync_api import expect

from tests.e2e.test_assistance import _phone_log_in
from tests.e2e.test_cases import shot
from tests.e2e.test_foundation import log_in, nav


def _number(page, prefix):
    return re.search(rf"{prefix}-\d{{4}}-\d{{6}}", page.url).group(0)


def _log_out(page):
    page.get_by_role("button", name="退出").click()


def test_a_hotline_order_and_a_petition_through_review(phone, desktop, server):
    caller_id, _caller = server.shell(
        "from tests.e2e.setup_petitions import caller; print(caller())").split("|")
    mobile, id_number, name = server.shell(
        "from tests.e2e.setup_petitions import petitioner; print(petitioner())").split("|")

    # --- 12351: the call becomes a work order, dispatched to 青阳 ---
    log_in(desktop, server, "city_staff")
    nav(desktop, "信访登记")
    desktop.get_by_role("link", name="12351来电登记").click()
    desktop.get_by_role("link", name="需要办理的，登记为工单").click()
    desktop.get_by_label("身份证号").fill(caller_id)
    desktop.get_by_label("来电号码").fill("13600001111")
    desktop.get_by_label("录音编号").fill("12351-REC-E2E")
    desktop.get_by_label("类型").select_option(label="工资报酬")
    desktop.get_by_label("难易程度").select_option(label="一般")
    desktop.get_by_label("反映的单位或个人").fill("晋江市某鞋业公司")
    desktop.get_by_label("事实和理由 / 来电内容").fill("来电反映公司拖欠10月工资。")
    desktop.get_by_role("button", name="登记", exact=True).click()
    expect(desktop.get_by_test_id("petition")).to_contain_text("12351热线")
    order = _number(desktop, "RX")
    expect(desktop.get_by_test_id("clocks")).to_contain_text("办理时限（一般）")
    desktop.get_by_test_id("route-dispatch").locator("summary").click()
    desktop.get_by_test_id("route-dispatch").get_by_label("承办单位").select_option(label="青阳街道总工会")
    desktop.get_by_test_id("route-dispatch").get_by_role("button", name="确认").click()
    expect(desktop.get_by_test_id("route")).to_contain_text("派单")
    _log_out(desktop)

    log_in(desktop, server, "qingyang_staff")
    desktop.goto(server + f"/desk/cases/{order}/")
    desktop.get_by_test_id("step-fields-answer").get_by_label("办理结果").fill("已约谈企业，工资于本周五前发放。")
    desktop.get_by_role("button", name="确认办复").click()
    expect(desktop.get_by_test_id("case-state")).to_contain_text("已办复（待回访）")
    _log_out(desktop)

    log_in(desktop, server, "city_staff")
    desktop.goto(server + f"/desk/cases/{order}/")
    expect(desktop.get_by_test_id("petition")).to_contain_text("13600001111")  # the hotline calls back
    form = desktop.get_by_test_id("callback-form")
    form.get_by_label("回访结果").select_option(label="满意")
    form.get_by_label("来电人意见").fill("工资已到账")
    form.get_by_role("button", name="记录回访").click()
    expect(desktop.get_by_test_id("case-state")).to_contain_text("已回访办结")
    expect(desktop.get_by_test_id("petition")).to_contain_text("满意")
    shot(desktop, "petitions-desk-order")
    _log_out(desktop)

    # --- a visit to 青阳, registered (the clerk first forgets the type) and accepted ---
    log_in(desktop, server, "qingyang_staff")
    nav(desktop, "信访登记")
    desktop.get_by_label("来源渠道").select_option(label="来访")
    desktop.get_by_label("身份证号").fill(id_number)
    desktop.get_by_label("反映的单位或个人").fill("晋江市某服装公司")
    desktop.get_by_label("事实和理由 / 来电内容").fill("公司未经协商将我从质检岗调到包装岗，工资降了1500元。")
    desktop.get_by_label("诉求").fill("恢复原岗位和工资。")
    desktop.get_by_role("button", name="登记", exact=True).click()
    expect(desktop.get_by_text("请选择反映类型。")).to_be_visible()  # nothing lost: the facts are still there
    expect(desktop.get_by_label("诉求")).to_have_value("恢复原岗位和工资。")
    desktop.get_by_label("类型", exact=True).select_option(label="劳动权益")
    desktop.get_by_role("button", name="登记", exact=True).click()
    petition = _number(desktop, "XF")
    expect(desktop.get_by_test_id("clocks")).to_contain_text("告知是否受理（15个自然日）")
    desktop.get_by_role("button", name="受理", exact=True).click()
    expect(desktop.get_by_test_id("notices")).to_contain_text("信访事项受理告知书")
    _log_out(desktop)

    # --- the city extends the 60 days once, with the reason ---
    log_in(desktop, server, "city_staff")
    desktop.goto(server + f"/desk/cases/{petition}/")
    expect(desktop.get_by_test_id("identity-hidden")).to_be_visible()  # the supervisor does not see who it is
    clock = desktop.get_by_test_id("clocks").locator("li", has_text="办理期限")
    clock.locator("summary").click()
    clock.get_by_label("延长天数").fill("30")
    clock.get_by_label("延长理由").fill("需调取企业近一年的排班和工资记录")
    clock.get_by_role("button", name="批准延长").click()
    expect(desktop.get_by_test_id("notices")).to_contain_text("信访事项延期办理告知书")
    _log_out(desktop)

    # --- the worker reads the reason on the phone ---
    _phone_log_in(phone, server, mobile)
    phone.goto(server + f"/m/cases/{petition}/")
    expect(phone.get_by_test_id("timeline")).to_contain_text("需调取企业近一年的排班和工资记录")
    expect(phone.get_by_test_id("notices")).to_contain_text("信访事项延期办理告知书")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # --- 青阳 replies ---
    log_in(desktop, server, "qingyang_staff")
    desktop.goto(server + f"/desk/cases/{petition}/")
    expect(desktop.get_by_role("link", name=name, exact=True)).to_be_visible()  # the handler sees who it is
    desktop.get_by_label("调查核实情况和处理意见").fill("经调查，调岗系企业生产线调整所致，已建议企业与你协商一致后执行，工资按原标准发放。")
    desktop.get_by_role("button", name="出具并告知信访人").click()
    expect(desktop.get_by_test_id("case-state")).to_contain_text("已答复")
    _log_out(desktop)

    # --- the worker asks for a review on the phone ---
    phone.goto(server + f"/m/cases/{petition}/")
    expect(phone.get_by_test_id("notices")).to_contain_text("信访事项答复意见书")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="申请复查").click()
    expect(phone.get_by_text("复查申请已提交")).to_be_visible()
    shot(phone, "petitions-phone-review")

    # --- the city (the union above 青阳) answers the review ---
    log_in(desktop, server, "city_staff")
    desktop.goto(server + f"/desk/cases/{petition}/")
    expect(desktop.get_by_test_id("case-state")).to_contain_text("复查中")
    desktop.get_by_label("调查核实情况和处理意见").fill("经复查，原答复意见认定事实清楚，处理适当，予以维持。")
    desktop.get_by_role("button", name="出具并告知信访人").click()
    expect(desktop.get_by_test_id("case-state")).to_contain_text("已复查")
    expect(desktop.get_by_test_id("notices")).to_contain_text("信访事项复查意见书")
    shot(desktop, "petitions-desk-review")
    nav(desktop, "信访督办")
    expect(desktop.get_by_test_id("supervised")).to_be_visible()
    shot(desktop, "petitions-desk-supervise")
