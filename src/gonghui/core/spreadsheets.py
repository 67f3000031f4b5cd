"""Reading uploaded tables (.xlsx, CSV) safely, and writing .xlsx files that cannot smuggle formulas.

Reading:

- ``.xlsx`` is read with python-calamine (Rust; on 700,000 rows 6 s against openpyxl's 50 s). Before it
  sees the file, the zip container is inspected: a file that is not a zip, has no workbook, carries VBA
  (a macro workbook), holds a member with a document type declaration (the prerequisite of every XML
  entity bomb), or would inflate beyond sane limits (a zip bomb) is refused with a reason.
- CSV may be UTF-8 with or without a BOM, or GBK/GB18030 as Excel on Chinese Windows writes it.
- Old binary ``.xls`` is refused with a request to save as .xlsx (it can hold macros and is not
  inspectable the same way).

Writing: ``write_xlsx`` writes every text cell as a string and prefixes text that starts with
``= + - @``, tab or CR with an apostrophe, so a name cannot become a formula in the user's Excel (nor in
a CSV they save from it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 150  # real sheets compress 5-20x; bombs 1,000x and more
MAX_MEMBERS = 2000


class FileRefused(Exception):
    """The file itself is unusable: nothing in it is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list]]  # (row number as the user sees it, cells)
    total: int  # data rows (including blank ones)


CORRUPT = "文件已损坏（压缩包内的数据校验不通过），请在Excel中重新保存后上传。"


def _check_xlsx_container(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused("文件已损坏，不是有效的Excel(.xlsx)文件。") from None
    if len(members) > MAX_MEMBERS:
        raise FileRefused("文件结构异常（压缩包内文件过多），已拒绝。")
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise FileRefused("文件不是有效的Excel(.xlsx)工作簿。")
    if any(name.lower().endswith("vbaproject.bin") for name in names) or "xl/workbook.bin" in names:
        raise FileRefused("文件包含宏(VBA)，为安全起见已拒绝。请另存为不含宏的 .xlsx 文件后再上传。")
    total = 0
    for member in members:
        total += member.file_size
        if total > MAX_UNZIPPED_BYTES:
            raise FileRefused("文件解压后过大（疑似压缩炸弹），已拒绝。")
        if member.file_size > 1_000_000 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise FileRefused("文件压缩比异常（疑似压缩炸弹），已拒绝。")
    try:
        content_types = archive.read("[Content_Types].xml")[:20000]
    except KeyError:
        raise FileRefused("文件不是有效的Excel(.xlsx)工作簿。") from None
    if b"macroEnabled" in content_types:
        raise FileRefused("文件包含宏(VBA)，为安全起见已拒绝。请另存为不含宏的 .xlsx 文件后再上传。")
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(member) as fh:
                    head = fh.read(4096)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
                raise FileRefused(CORRUPT) from None
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise FileRefused("文件含有不安全的XML声明（疑似XML炸弹），已拒绝。")
    # every member whole, its checksum and size as the archive states them (the sizes are bounded above):
    # a corrupt entry is a refused file, not a traceback half-way through the rows
    try:
        broken = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise FileRefused(CORRUPT) from None
    if broken is not None:
        raise FileRefused(CORRUPT)


def _read_xlsx(data: bytes) -> Table:
    from python_calamine import CalamineWorkbook

    _check_xlsx_container(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        header = next(rows, None)
    except Exception as exc:  # calamine raises its own error types for every kind of broken file
        raise FileRefused(f"无法读取Excel文件：{exc.__class__.__name__}") from None
    if header is None:
        raise FileRefused("文件是空的。")
    # calamine reports the used range; height includes the header row
    total = max(sheet.height - 1, 0)
    first_row = (sheet.start[0] if sheet.start else 0) + 1

    def numbered() -> Iterator[tuple[int, list]]:
        for index, row in enumerate(rows, start=first_row + 1):
            yield index, list(row)

    return Table(header=[_header_text(h) for h in header], rows=numbered(), total=total)


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused("无法识别文件编码，请保存为UTF-8或GBK编码的CSV文件。") from None


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("文件不是文本格式的CSV文件。")
    try:
        text = _decode_text(data)
    except UnicodeDecodeError:
        raise FileRefused("无法识别文件编码，请保存为UTF-8或GBK编码的CSV文件。") from None
    header = next(csv.reader(io.StringIO(text)), None)
    if header is None:
        raise FileRefused("文件是空的。")
    reader = csv.reader(io.StringIO(text))
    total = sum(1 for _ in reader) - 1

    def numbered() -> Iterator[tuple[int, list]]:
        rows = csv.reader(io.StringIO(text))
        next(rows, None)
        yield from enumerate(rows, start=2)

    return Table(header=[_header_text(h) for h in header], rows=numbered(), total=total)


def _header_text(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lstrip("\ufeff")
    return re.sub(r"\s+", "", text).replace("*", "")


def read_table(data: bytes, filename: str) -> Table:
    """Open an uploaded file; raise FileRefused with a reason in Chinese when it cannot be used."""
    name = (filename or "").lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileRefused(f"文件超过{MAX_UPLOAD_BYTES // 1024 // 1024}MB，请拆分后上传。")
    if not data:
        raise FileRefused("文件是空的。")
    is_zip = data[:4] == b"PK\x03\x04"
    if name.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused("不支持旧版.xls文件，请在Excel中另存为 .xlsx 后上传。")
    if name.endswith((".xlsx", ".xlsm")):
        if not is_zip:
            raise FileRefused("文件扩展名为.xlsx，但内容不是Excel文件。")
        return _read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        if is_zip:
            raise FileRefused("文件扩展名为.csv，但内容是压缩包或Excel文件。")
        return _read_csv(data)
    raise FileRefused("仅支持 .xlsx 和 .csv 文件。")


# --- cell values -------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def cell_text(value) -> str:
    """A cell as text: numbers without a trailing .0, full-width characters folded, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def cell_date(value) -> dt.date | None:
    """An Excel date, an Excel serial number, or text such as 2015/3/1, 2015-03-01, 2015年3月1日."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError("日期超出范围")
    text = cell_text(value)
    if not text:
        return None
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise ValueError(f"无法识别的日期“{text[:20]}”，请写成 2015-03-01 或 2015/3/1")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{text[:20]}”不存在") from None


# --- writing -------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Neutralise text that a spreadsheet would read as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_xlsx(headers: list[str], rows: Iterable[Iterable], *, sheet: str = "Sheet1",
               text_columns: Iterable[int] = (), widths: dict[int, int] | None = None) -> bytes:
    """An .xlsx in memory; ``text_columns`` are formatted as text so Excel keeps long numbers intact."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    worksheet = workbook.add_worksheet(sheet)
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    text_set = set(text_columns)
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, header, bold)
        width = (widths or {}).get(col, max(10, min(40, len(header) * 2 + 4)))
        worksheet.set_column(col, col, width, text if col in text_set else None)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                worksheet.write_string(r, c, escape_cell(value), text if c in text_set else None)
            elif isinstance(value, dt.date):
                worksheet.write_string(r, c, value.isoformat())
            else:
                worksheet.write(r, c, value)
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
