"""Real-world files for the import tests, written the way Excel and WPS write them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import xlsxwriter

WORKER_HEADER = ["姓名", "身份证号", "手机号", "企业统一社会信用代码", "入会日期", "户籍地", "银行卡号", "开户行"]
ENTERPRISE_HEADER = ["企业名称", "统一社会信用代码", "所属镇街", "行业", "职工人数", "联系人", "联系电话"]


def xlsx(header: list[str], rows: list[list], *, numeric_columns=()) -> bytes:
    """An .xlsx whose cells keep their Python types: str as text, date as an Excel date, float as number."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Sheet1")
    date_format = book.add_format({"num_format": "yyyy/m/d"})
    for c, name in enumerate(header):
        sheet.write_string(0, c, name)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def rezip(data: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None,
          compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Copy an .xlsx, adding or replacing members (to build macro workbooks, XML bombs, zip bombs)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as target:
        for item in source.infolist():
            body = (replace or {}).get(item.filename, source.read(item.filename))
            target.writestr(item.filename, body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return buffer.getvalue()
