"""The first browser tests: staff on a desktop, a worker on a phone."""

import re

from playwright.sync_api import expect

from gonghui.accounts.demo_accounts import DEMO_PASSWORD


def log_in(page, server, username):
    page.goto(server + "/desk/")
    expect(page).to_have_url(re.compile(r"/desk/login/"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def nav(page, name):
    """Follow an entry of the workbench's top navigation."""
    page.locator("#desk-nav").get_by_role("link", name=name, exact=True).click()


def test_town_staff_log_in_and_open_their_centres(desktop, server):
    log_in(desktop, server, "qingyang_staff")
    expect(desktop).to_have_url(re.compile(r"/desk/cases/$"))  # staff land on their queue
    nav(desktop, "组织架构")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("青阳街道总工会")
    expect(desktop.get_by_test_id("current-user")).to_contain_text("陈志强")
    nav(desktop, "服务阵地")
    table = desktop.get_by_test_id("centres")
    expect(table).to_contain_text("青阳街道职工服务中心")
    expect(table).to_contain_text("青阳街道环卫工人爱心服务点")
    expect(table).not_to_contain_text("梅岭")
    table.get_by_role("link", name="青阳街道职工服务中心").click()
    expect(desktop.get_by_test_id("facilities")).to_contain_text("扫描仪")
    expect(desktop.get_by_test_id("centre-info")).to_contain_text("周一至周五")


def test_city_staff_open_a_towns_centres(desktop, server):
    log_in(desktop, server, "city_staff")
    nav(desktop, "组织架构")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("晋江市总工会")
    desktop.get_by_test_id("children").get_by_role("link", name="梅岭街道总工会").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("梅岭街道总工会")
    desktop.get_by_test_id("centre-counts").get_by_role("link", name="环卫工人爱心服务点").click()
    table = desktop.get_by_test_id("centres")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("梅岭街道环卫工人爱心服务点")
    nav(desktop, "组织架构")
    expect(desktop.get_by_test_id("children")).to_contain_text("磁灶镇总工会")


def test_worker_finds_a_centre_on_a_phone(phone, server):
    phone.goto(server + "/m/")
    expect(phone.get_by_test_id("towns")).to_contain_text("梅岭街道")
    # the page fits the phone: no sideways scrolling
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_test_id("towns").get_by_text("梅岭街道").click()
    cards = phone.get_by_test_id("centre-cards")
    expect(cards).to_contain_text("梅岭街道职工服务中心")
    expect(cards).not_to_contain_text("青阳街道")
    cards.get_by_text("梅岭街道职工服务中心").click()
    expect(phone.get_by_role("link", name=re.compile("0595-"))).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # the tab bar stays on screen
    expect(phone.get_by_role("navigation", name="主导航")).to_be_visible()
