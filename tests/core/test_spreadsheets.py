"""Uploaded files: what is read, what is refused and why; exports that cannot smuggle formulas."""

import datetime as dt
import io

import openpyxl
import pytest

from gonghui.core.spreadsheets import FileRefused, cell_date, read_table, write_xlsx
from tests.files import WORKER_HEADER, csv_bytes, rezip, xlsx

ROW = ["张三", "350582199003071238", "13800001234", "91350582MA2Y00001Y", "2015-03-01", "", "", ""]


def rows_of(table):
    return [(n, [c for c in cells]) for n, cells in table.rows]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(encoding):
    table = read_table(csv_bytes(WORKER_HEADER, [ROW], encoding=encoding), "职工.csv")
    assert table.header == WORKER_HEADER
    assert rows_of(table) == [(2, ROW)]


def test_xlsx_keeps_cell_types():
    table = read_table(xlsx(WORKER_HEADER, [["张三", "350582199003071238", 13800001234.0, "x",
                                             dt.date(2015, 3, 1)]]), "a.xlsx")
    (_, cells), = rows_of(table)
    assert cells[1] == "350582199003071238"
    assert cells[2] == 13800001234.0
    assert cell_date(cells[4]) == dt.date(2015, 3, 1)


@pytest.mark.parametrize("value, expected", [
    ("2015/3/1", dt.date(2015, 3, 1)), ("2015-03-01", dt.date(2015, 3, 1)), ("2015.3.1", dt.date(2015, 3, 1)),
    ("2015年3月1日", dt.date(2015, 3, 1)), ("20150301", dt.date(2015, 3, 1)),
    (42064.0, dt.date(2015, 3, 1)),  # an Excel serial number in a cell not formatted as a date
    (dt.datetime(2015, 3, 1, 8, 0), dt.date(2015, 3, 1)), ("", None), (None, None),
])
def test_dates_as_excel_writes_them(value, expected):
    assert cell_date(value) == expected


@pytest.mark.parametrize("value", ["2015/2/30", "三月一日", "2015-13-01"])
def test_impossible_dates_say_so(value):
    with pytest.raises(ValueError):
        cell_date(value)


def test_a_text_file_called_xlsx_is_refused():
    with pytest.raises(FileRefused, match="内容不是Excel"):
        read_table(csv_bytes(WORKER_HEADER, [ROW]), "职工.xlsx")


def test_old_xls_and_unknown_types_are_refused():
    with pytest.raises(FileRefused, match=r"另存为 \.xlsx"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "a.xls")
    with pytest.raises(FileRefused, match="仅支持"):
        read_table(b"hello", "a.pdf")
    with pytest.raises(FileRefused, match="空"):
        read_table(b"", "a.csv")


def test_a_macro_workbook_is_refused():
    data = rezip(xlsx(WORKER_HEADER, [ROW]), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    with pytest.raises(FileRefused, match="宏"):
        read_table(data, "a.xlsx")


def test_an_xml_bomb_is_refused_before_parsing():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    data = rezip(xlsx(WORKER_HEADER, [ROW]), replace={"xl/sharedStrings.xml": bomb})
    with pytest.raises(FileRefused, match="XML"):
        read_table(data, "a.xlsx")


def test_a_zip_bomb_is_refused_without_inflating_it():
    data = rezip(xlsx(WORKER_HEADER, [ROW]), add={"xl/media/padding.xml": b"\0" * 50_000_000})
    assert len(data) < 200_000
    with pytest.raises(FileRefused, match="压缩"):
        read_table(data, "a.xlsx")


def test_a_corrupt_zip_is_refused():
    with pytest.raises(FileRefused):
        read_table(b"PK\x03\x04" + b"garbage" * 100, "a.xlsx")


def test_exports_neutralise_formulas():
    data = write_xlsx(["姓名", "备注"], [["=HYPERLINK(\"http://x\",\"点我\")", "+1"], ["@SUM(A1)", "-2"],
                                        ["\tTAB", "正常"]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [["'=HYPERLINK(\"http://x\",\"点我\")", "'+1"], ["'@SUM(A1)", "'-2"], ["'\tTAB", "正常"]]
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row)


def _corrupt(data: bytes, member: str) -> bytes:
    """``data`` (an .xlsx) with one byte of ``member``'s compressed data changed: its CRC no longer matches."""
    import io
    import zipfile

    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    # the local header: 30 bytes, then the name and the extra field, then the data
    name_len, extra_len = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little"), \
        int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    return data[:start] + bytes([data[start] ^ 0x55]) + data[start + 1:]


def test_a_workbook_with_a_corrupt_entry_is_a_refused_file():
    """Issue 23, finding 6: a CRC or size mismatch inside the workbook is refused with a reason."""
    good = xlsx(WORKER_HEADER, [["张三", "350582199003071238", "13800001234", "x", "", "", "", ""]] * 50)
    bad = _corrupt(good, "xl/worksheets/sheet1.xml")
    with pytest.raises(FileRefused, match="文件已损坏"):
        read_table(bad, "职工.xlsx")
