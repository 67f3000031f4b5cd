"""Resident ID numbers as real workers carry them, and the precise reasons for refusing the rest."""

import datetime as dt

import pytest

from gonghui.core import idnumber


def with_check(body17: str) -> str:
    return body17 + idnumber.check_char(body17)


JINJIANG = with_check("35058219900307123")  # 350582199003071238


@pytest.mark.parametrize("raw, expected", [
    (JINJIANG, JINJIANG),
    ("11010519491231002X", "11010519491231002X"),  # the GB 11643 standard's own example
    ("11010519491231002x", "11010519491231002X"),  # lower-case x
    ("３５０５８２１９９００３０７１２３８", JINJIANG),  # full-width digits, as some input methods type them
    (" 3505 8219 9003 0712 38 ", JINJIANG),  # stray spaces
    ("350582-19900307-1238", JINJIANG),  # dashes
    ("350582900307123", JINJIANG),  # old 15-digit number: century inserted, check digit computed
    (with_check("35012619800101001"), with_check("35012619800101001")),  # 长乐县, abolished 1993
    (with_check("35020219700101002"), with_check("35020219700101002")),  # 鼓浪屿区, abolished 2002
    (with_check("35058220000229001"), with_check("35058220000229001")),  # born on 29 February 2000
])
def test_genuine_numbers_are_accepted_and_normalised(raw, expected):
    assert idnumber.parse(raw).value == expected


def test_birth_date_and_gender_come_from_the_number():
    person = idnumber.parse(JINJIANG)
    assert person.birth_date == dt.date(1990, 3, 7)
    assert person.gender == "M"  # 17th digit 3: odd
    assert idnumber.parse("11010519491231002X").gender == "F"
    assert idnumber.parse("350582900307123").converted_from_15


@pytest.mark.parametrize("raw, code, words", [
    (JINJIANG[:-1] + "5", "check_digit", "校验位"),
    (with_check("35058219990229001"), "birth_date", "19990229不存在"),  # 1999 was no leap year
    (with_check("35058219901301001"), "birth_date", "不存在"),  # month 13
    (with_check("35058230010101001"), "birth_date", "不合理"),  # born in the future
    ("35058219900307123", "length", "实际为17位"),
    ("3505821990030712345", "length", "实际为19位"),
    (with_check("99999919900101001"), "place_code", "地址码999999不存在"),
    (with_check("35999919900101001"), "place_code", "地址码359999不存在"),
    ("35058219900307123A", "format", "数字和末位X"),
    ("35058290030712X", "format", "15位"),
    ("", "empty", "为空"),
])
def test_wrong_numbers_are_refused_with_a_precise_reason(raw, code, words):
    with pytest.raises(idnumber.IdNumberError) as error:
        idnumber.parse(raw, today=dt.date(2026, 11, 29))
    assert error.value.code == code
    assert words in error.value.message


def test_python_stdnum_would_have_refused_genuine_jinjiang_numbers():
    """Why core/idnumber.py exists: the library DESIGN.md suggested rejects 350582 (晋江市)."""
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ric.validate(JINJIANG)
    assert idnumber.parse(JINJIANG).region_code == "350582"


def test_region_names():
    assert idnumber.region_name("350582") == "福建省泉州市晋江市"
    assert idnumber.region_name("511702") == "四川省达州市通川区"
