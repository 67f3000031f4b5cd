"""People's names as the registry, binding and every form accept them: Chinese characters (with the
rare ones of the extension planes), the Latin letters of minority and foreign names, and the middle dot
that joins their parts (阿依古丽·买买提, 玛丽·居里). No digits, emoji, markup or other punctuation.

Variants of the middle dot that phones and input methods type (•, ・, ．, ‧, ∙, a full stop between letters)
become "·"; spaces are dropped between Chinese characters and kept single between Latin words.
"""

from __future__ import annotations

import re
import unicodedata

MESSAGE = "姓名只能包含汉字、字母和间隔号“·”，2至30个字"
_DOTS = re.compile(r"\s*[•・．‧∙.·]\s*")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_LETTER = rf"[{_HAN}A-Za-zÀ-ÖØ-öø-ÿ]"
_NAME = re.compile(rf"{_LETTER}(?:{_LETTER}|[·' -](?={_LETTER}))*")


class NameInvalid(ValueError):
    pass


def clean(raw) -> str:
    """The name as stored, or ``NameInvalid`` with the message to show."""
    value = unicodedata.normalize("NFKC", str(raw or "")).strip()
    value = _DOTS.sub("·", value)
    if re.search(rf"[{_HAN}]", value):
        value = re.sub(r"\s+", "", value)
    else:
        value = re.sub(r"\s+", " ", value)
    if not 2 <= len(value) <= 30 or not _NAME.fullmatch(value):
        raise NameInvalid(MESSAGE)
    return value
