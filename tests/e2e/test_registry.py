"""A staff member imports workers from a file with bad rows, on the real server and the real worker."""

import io
import re

import openpyxl
from playwright.sync_api import expect

from gonghui.core.idnumber import check_char
from tests.e2e.test_foundation import log_in, nav
from tests.files import WORKER_HEADER, xlsx


def totp_code(secret: str) -> str:
    import base64

    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def test_staff_import_a_file_with_bad_rows_and_find_the_new_worker(desktop, server, tmp_path):
    log_in(desktop, server, "qingyang_staff")
    nav(desktop, "企业")
    code = desktop.get_by_test_id("enterprises").locator("tbody tr").first.locator("td").nth(1).inner_text()

    good = "35058219930909011"
    rows = [
        ["欧阳晓峰", good + check_char(good), "+86 139-0000-8888", code, "2021/6/1", "", "", ""],
        ["错误号码", "350582199309090120", "13900008889", code, "2021-06-01", "", "", ""],
        ["无企业", "35058219930909013" + check_char("35058219930909013"), "13900008890", "91350582MA0000000X",
         "", "", "", ""],
    ]
    upload = tmp_path / "新入职职工.xlsx"
    upload.write_bytes(xlsx(WORKER_HEADER, rows))

    nav(desktop, "数据导入")
    desktop.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(upload))
    desktop.get_by_role("button", name="上传并校验").click()
    preview = desktop.get_by_test_id("preview")
    expect(preview).to_contain_text("1 行数据有效", timeout=30_000)
    expect(preview).to_contain_text("2 行有错误")
    expect(desktop.get_by_test_id("errors")).to_contain_text("校验位")

    with desktop.expect_download() as download_info:
        desktop.get_by_test_id("download-errors").click()
    report = openpyxl.load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read())).active
    assert [row[0] for row in report.iter_rows(min_row=2, values_only=True)] == [3, 4]

    desktop.get_by_role("button", name=re.compile("导入 1 行有效数据")).click()
    expect(desktop.get_by_test_id("import-done")).to_contain_text("新增 1 条", timeout=30_000)

    nav(desktop, "职工档案")
    desktop.get_by_label("搜索职工").fill("oyxf")
    desktop.get_by_role("button", name="搜索").click()
    table = desktop.get_by_test_id("workers")
    expect(table).to_contain_text("欧阳晓峰")
    expect(table).to_contain_text("350582**********")
    table.get_by_role("link", name="欧阳晓峰").click()
    expect(desktop.get_by_test_id("profile")).to_contain_text("139****8888")
    worker_page = desktop.url
    # the full number needs the second factor: enrol (scan the secret), keep the recovery codes, reveal
    desktop.get_by_role("button", name="显示完整号码").first.click()
    desktop.get_by_role("link", name="启用双因素认证").click()
    secret = desktop.get_by_test_id("totp-secret").inner_text()
    desktop.get_by_label("6位验证码").fill(totp_code(secret))
    desktop.get_by_role("button", name="绑定").click()
    expect(desktop.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    desktop.goto(worker_page)
    desktop.get_by_role("button", name="显示完整号码").first.click()
    expect(desktop.get_by_test_id("revealed")).to_have_text(good + check_char(good))

    # a search by full ID number never puts the number in a URL, so neither the access log nor the
    # browser history holds it
    nav(desktop, "职工档案")
    desktop.get_by_label("搜索职工").fill(good + check_char(good))
    desktop.get_by_role("button", name="搜索").click()
    expect(desktop.get_by_test_id("workers")).to_contain_text("欧阳晓峰")
    assert good not in desktop.url
    log = server.log.read_text()
    assert "/desk/workers/" in log
    assert good not in log and "13900008888" not in log  # neither the ID nor the phone, in full
