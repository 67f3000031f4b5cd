"""People's names: Chinese, minority and foreign names pass; emoji, markup and digits do not."""

import pytest

from gonghui.core import personnames


@pytest.mark.parametrize("raw, stored", [
    ("王芳", "王芳"), (" 欧阳 晓峰 ", "欧阳晓峰"), ("阿依古丽•买买提", "阿依古丽·买买提"), ("玛丽・居里", "玛丽·居里"),
    ("Anna Smith", "Anna Smith"), ("𠮷野家", "𠮷野家"), ("买买提.艾力", "买买提·艾力"),
])
def test_names_people_have_pass(raw, stored):
    assert personnames.clean(raw) == stored


@pytest.mark.parametrize("raw", ["王小明😀", "王小明<script>alert(1)</script>", "王1", "张", "·王", "王··芳", "王芳!", ""])
def test_anything_else_is_refused(raw):
    with pytest.raises(personnames.NameInvalid, match="姓名只能包含汉字、字母和间隔号"):
        personnames.clean(raw)
