"""The case engine end to end: a worker applies for a train ticket home on a phone, is returned for a
missing material, fixes it and is approved; a staff member does the other side on a desktop."""

import io
import re
import time

from playwright.sync_api import expect

from gonghui.accounts.demo_accounts import DEMO_PASSWORD
from gonghui.cases.demo_data import DEMO_WORKER_PHONE
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_foundation import log_in, nav


def photo(tmp_path, name, colour):
    from PIL import Image

    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"cases-{name}.png"), full_page=True)


def test_a_worker_applies_is_returned_fixes_and_is_approved(phone, desktop, server, tmp_path):
    # --- the worker, on the phone: find the item, read its guide, fill the form ---
    phone.goto(server + "/m/login/")
    phone.get_by_label("手机号").fill(DEMO_WORKER_PHONE)
    phone.get_by_label("密码").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="办事").click()
    phone.get_by_placeholder("搜索服务事项").fill("火车票")
    phone.get_by_role("button", name="搜索").click()
    phone.get_by_role("link", name=re.compile("返乡火车票代购")).click()
    expect(phone.get_by_test_id("materials")).to_contain_text("在职证明或劳动合同首页")
    shot(phone, "phone-guide")
    phone.get_by_role("link", name="在线申请").click()
    phone.get_by_label("出发站").fill("晋江站")
    phone.get_by_label("到达站").fill("贵阳北站")
    phone.get_by_label("乘车日期").fill("2027-01-28")
    phone.get_by_label("席别").select_option("硬卧")
    phone.get_by_label("乘车人数").fill("1")
    phone.get_by_label("乘车人姓名").fill("本人")
    phone.get_by_label("乘车人身份证号").fill("350582199001011234")  # a wrong check digit
    phone.get_by_label("联系电话").fill("13800000001")
    phone.get_by_role("button", name="下一步：上传材料").click()
    expect(phone.get_by_text("无效：")).to_be_visible()  # said on the page, in Chinese
    number_id = server.shell("from gonghui.cases.demo_data import DEMO_WORKER_PHONE as p;"
                             "from gonghui.registry.models import WorkerAccount as A;"
                             "print(A.objects.get(user__username=p).worker.id_number_clear())")
    phone.get_by_label("乘车人身份证号").fill(number_id)
    phone.get_by_role("button", name="下一步：上传材料").click()
    expect(phone.get_by_test_id("case-state")).to_have_text("草稿")
    number = re.search(r"HXCP-\d{4}-\d{6}", phone.get_by_test_id("case-head").inner_text()).group(0)

    # photos from the camera, one material at a time; submitting without one says what is missing
    phone.get_by_label("上传申请人身份证（正反面）").set_input_files(photo(tmp_path, "id.jpg", (200, 180, 160)))
    expect(phone.get_by_text("材料已上传")).to_be_visible()
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_test_id("submit-errors")).to_contain_text("请上传在职证明或劳动合同首页。")
    phone.get_by_label("上传在职证明或劳动合同首页").set_input_files(photo(tmp_path, "job.jpg", (90, 90, 90)))
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_test_id("case-state")).to_have_text("已提交")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "phone-submitted")

    # --- the staff member, on the desktop: the queue, the case page with the photos, return ---
    log_in(desktop, server, "qingyang_staff")
    nav(desktop, "办件队列")
    desktop.get_by_role("link", name=number).click()
    expect(desktop.get_by_test_id("documents").locator("img")).to_have_count(2)
    expect(desktop.get_by_test_id("case-form")).to_contain_text("贵阳北站")
    expect(desktop.get_by_test_id("case-form")).not_to_contain_text(number_id)  # masked
    desktop.get_by_role("button", name="受理").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已受理")
    desktop.get_by_text("退回补正（一次告知所有问题）…").click()
    desktop.get_by_label("材料：在职证明或劳动合同首页").check()
    desktop.get_by_label("在职证明或劳动合同首页的问题说明").fill("照片看不清企业公章，请重新拍摄")
    shot(desktop, "desk-return")
    desktop.get_by_role("button", name="确认退回补正").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("待补正")

    # --- the worker sees the whole list, fixes it, resubmits ---
    phone.goto(server + "/m/cases/")
    phone.get_by_test_id("my-cases").get_by_text(number).click()
    expect(phone.get_by_test_id("fix-list")).to_contain_text("在职证明或劳动合同首页：照片看不清企业公章，请重新拍摄")
    shot(phone, "phone-returned")
    # the text message is sent by the job worker moments after the step (never inside the request)
    wanted = rf"{DEMO_WORKER_PHONE}: .*{number}）需要补正：在职证明或劳动合同首页"
    deadline = time.monotonic() + 20
    outbox = server.data / "sms-outbox.log"
    while not (outbox.exists() and re.search(wanted, outbox.read_text(encoding="utf-8"))):
        assert time.monotonic() < deadline, "the job worker sent no text within 20 seconds"
        time.sleep(0.3)
    phone.get_by_label("上传在职证明或劳动合同首页").set_input_files(photo(tmp_path, "job2.jpg", (250, 250, 250)))
    expect(phone.get_by_test_id("fix-list")).to_contain_text("✔ 在职证明或劳动合同首页")
    phone.get_by_role("button", name="补正完毕，重新提交").click()
    expect(phone.get_by_test_id("case-state")).to_have_text("已提交")

    # --- the staff member accepts, reviews, approves ---
    desktop.reload()
    desktop.get_by_role("button", name="受理").click()
    desktop.get_by_role("button", name="开始审核").click()
    desktop.get_by_role("button", name="核准").click()
    expect(desktop.get_by_test_id("case-state")).to_have_text("已核准")
    expect(desktop.get_by_test_id("timeline")).to_contain_text("退回补正（一次告知）")
    shot(desktop, "desk-approved")

    # --- the worker sees every step and every message ---
    phone.reload()
    expect(phone.get_by_test_id("case-state")).to_have_text("已核准")
    timeline = phone.get_by_test_id("timeline")
    for step in ("提交申请", "已受理", "退回补正（一次告知）", "审核通过"):
        expect(timeline).to_contain_text(step)
    expect(timeline).not_to_contain_text("内部备注")
    phone.goto(server + "/m/messages/")
    messages = phone.get_by_test_id("messages")
    for title in ("已受理", "需要补正", "审核通过"):
        expect(messages).to_contain_text(title)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
