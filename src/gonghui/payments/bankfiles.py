"""Bank transfer files. One format ships (a generic .xlsx/.csv of payee, bank, account, amount,
reference — what the online-banking bulk transfer of most Chinese banks imports); another bank's format
is one function added to ``EXPORTERS``: ``(batch, lines) -> (bytes, content type, file extension)``."""

from __future__ import annotations

import csv
import io

from gonghui.core.spreadsheets import write_xlsx

HEADERS = ["收款人姓名", "开户行", "收款账号", "金额（元）", "业务参考号", "用途"]


def _rows(batch, lines):
    return [[line.payee, line.bank_name, line.account_clear(), line.amount, line.reference, line.purpose]
            for line in lines]


def generic_xlsx(batch, lines):
    # the account and the reference are text (Excel keeps 15 digits of a number); the amount is a number
    rows = [[*row[:3], float(row[3]), *row[4:]] for row in _rows(batch, lines)]
    data = write_xlsx(HEADERS, rows, sheet="代发明细", text_columns=[2, 4],
                      widths={0: 12, 1: 28, 2: 26, 3: 12, 4: 22, 5: 16})
    return data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"


def generic_csv(batch, lines):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in _rows(batch, lines):
        row[3] = f"{row[3]:.2f}"
        writer.writerow([f"'{cell}" if str(cell)[:1] in "=+-@" else cell for cell in row])
    return out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", "csv"


EXPORTERS = {"xlsx": generic_xlsx, "csv": generic_csv}
