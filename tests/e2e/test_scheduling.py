"""Booking end to end. A worker books next Wednesday's spine clinic on the phone: the slot is full, so she
joins the waitlist. One of the two booked phones the centre to cancel; the clerk cancels and she is promoted
and told (a message on /m/ and a text); she confirms. On the day she shows the booking's QR code at the
centre and the clerk scans it: the clerk sees her attendance. Elsewhere, a worker who booked yesterday's
session did not come: closing its sign-in records the no-show against him."""

import time

from playwright.sync_api import expect

from tests.e2e.test_assistance import _phone_log_in
from tests.e2e.test_cases import shot
from tests.e2e.test_foundation import log_in, nav


def test_waitlist_promotion_qr_check_in_and_a_no_show(phone, desktop, server):
    mobile, name = server.shell("from tests.e2e.setup_scheduling import worker; print(worker())").split("|")
    pk, day, first_booked = server.shell(
        "from tests.e2e.setup_scheduling import full_slot; print(full_slot())").split("|")

    # --- the worker, on the phone: the slot is full, she joins the waitlist ---
    _phone_log_in(phone, server, mobile)
    phone.goto(server + "/m/")
    phone.get_by_role("link", name="预约服务").first.click()
    phone.get_by_role("link", name="脊椎养护门诊").click()
    slot = phone.get_by_test_id(f"session-{pk}")
    expect(slot).to_contain_text("10:00-10:30")
    expect(slot).to_contain_text("已约满")
    slot.get_by_role("button", name="候补").click()
    expect(phone.get_by_text("已约满，您已加入候补，排第1位，有名额时会通知您。")).to_be_visible()
    expect(phone.get_by_test_id("status")).to_have_text("候补中")
    shot(phone, "scheduling-waitlisted-phone")

    # --- the clerk: one of the booked phoned to cancel ---
    log_in(desktop, server, "city_staff")
    nav(desktop, "预约排班")
    desktop.get_by_label("服务").select_option(label="脊椎养护门诊")
    desktop.get_by_label("起始日期").fill(day)
    desktop.get_by_role("button", name="筛选").click()
    desktop.locator(f'a[href="/desk/scheduling/sessions/{pk}/"]').first.click()
    expect(desktop.get_by_test_id("waitlist")).to_contain_text(name)
    desktop.get_by_test_id("bookings").locator("tr", has_text=first_booked).get_by_role("button", name="取消").click()
    expect(desktop.get_by_text(f"已取消{first_booked}的预约")).to_be_visible()
    expect(desktop.get_by_test_id("bookings").locator("tr", has_text=name)).to_contain_text("候补递补待确认")
    expect(desktop.get_by_test_id("waitlist")).to_contain_text("无人候补")

    # --- the worker is told, and confirms ---
    phone.goto(server + "/m/messages/")
    expect(phone.get_by_text("候补递补成功，请确认").first).to_be_visible()
    outbox = server.data / "sms-outbox.log"
    deadline = time.monotonic() + 30
    while "有名额空出，已为您保留" not in (outbox.read_text() if outbox.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert f"{mobile}: 【职工服务】" in outbox.read_text() and "有名额空出，已为您保留" in outbox.read_text()
    phone.goto(server + "/m/bookings/")
    phone.get_by_test_id("offer").click()
    phone.get_by_test_id("confirm").click()
    expect(phone.get_by_text("已确认，名额为您保留。")).to_be_visible()
    expect(phone.get_by_test_id("status")).to_have_text("已预约")
    qr = phone.get_by_test_id("qr").locator("img")
    expect(qr).to_be_visible()
    code = qr.get_attribute("data-code")
    shot(phone, "scheduling-qr-phone")

    # --- on the day, at the centre: the clerk scans her code ---
    server.shell(f"from tests.e2e.setup_scheduling import the_day_arrives; print(the_day_arrives({pk}))")
    desktop.goto(server + f"/desk/scheduling/sessions/{pk}/")
    desktop.get_by_role("link", name="打开扫码签到").click()
    desktop.get_by_test_id("scan").fill("not-a-code")  # a smudged scan first
    desktop.get_by_test_id("scan").press("Enter")
    expect(desktop.get_by_test_id("scan-error")).to_contain_text("未找到该预约码")
    desktop.get_by_test_id("scan").fill(f"{server}/desk/scheduling/checkin/?code={code}")  # what the QR holds
    desktop.get_by_test_id("scan").press("Enter")
    expect(desktop.get_by_test_id("scanned")).to_contain_text(name)
    desktop.get_by_role("button", name="确认签到").click()
    expect(desktop.get_by_text(f"{name}签到成功。")).to_be_visible()
    expect(desktop.get_by_test_id("bookings").locator("tr", has_text=name)).to_contain_text("已签到")
    shot(desktop, "scheduling-checked-in-desktop")

    # --- yesterday's session: a worker who did not come counts a no-show ---
    other_pk, other = server.shell(
        "from tests.e2e.setup_scheduling import yesterday_session; print(yesterday_session())").split("|")
    desktop.goto(server + f"/desk/scheduling/sessions/{other_pk}/")
    expect(desktop.get_by_test_id("bookings").locator("tr", has_text=other)).to_contain_text("已预约")
    desktop.get_by_role("button", name="结束签到（未到场记为爽约）").click()
    row = desktop.get_by_test_id("bookings").locator("tr", has_text=other)
    expect(row).to_contain_text("爽约")
    expect(row).to_contain_text("1次")
    # her attendance does not count against her
    desktop.goto(server + f"/desk/scheduling/sessions/{pk}/")
    expect(desktop.get_by_test_id("bookings").locator("tr", has_text=name)).to_contain_text("0次")
    nav(desktop, "管理决策")
    expect(desktop.get_by_text("预约服务").first).to_be_visible()
