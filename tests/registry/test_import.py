"""The importer on messy real-world files."""

import datetime as dt

import pytest

from gonghui.core import pii
from gonghui.core.idnumber import check_char
from gonghui.core.spreadsheets import FileRefused
from gonghui.orgs.models import Org
from gonghui.registry.demo_data import make_uscc
from gonghui.registry.importing import EnterpriseImporter, WorkerImporter
from gonghui.registry.models import Employment, Enterprise, Hukou, Worker, WorkerNameKey
from tests.files import ENTERPRISE_HEADER, WORKER_HEADER, csv_bytes, xlsx

TODAY = dt.date(2026, 11, 29)


def idn(body17: str) -> str:
    return body17 + check_char(body17)


@pytest.fixture
def two_enterprises(city):
    import random

    rng = random.Random(7)
    codes = [make_uscc(rng), make_uscc(rng)]
    rows = [["晋江市青阳测试鞋业有限公司", codes[0], "青阳街道", "鞋业", 120, "陈经理", "0595-85661234"],
            ["晋江市梅岭测试服装有限公司", codes[1], "梅岭街道", "服装", "80", "林主任", "+86 139 0000 1234"]]
    result = EnterpriseImporter(scope=city["jinjiang"]).run(csv_bytes(ENTERPRISE_HEADER, rows), "e.csv")
    assert (result.created, result.rejected) == (2, 0)
    return codes


def run_workers(city, data, name="w.xlsx", **kwargs):
    return WorkerImporter(scope=city["jinjiang"], today=TODAY).run(data, name, **kwargs)


def test_messy_worker_file(city, two_enterprises):
    qy, ml = two_enterprises
    a, b, c = idn("35058219900307123"), idn("51170219850101001"), idn("43060219800101002")
    rows = [
        ["张三", a, "138-0000-1234", qy, dt.date(2015, 3, 1), "福建省晋江市", "", ""],          # 2 Excel date
        ["单田芳", b.lower() if b.endswith("X") else b, "+86 13900001234", qy, "2015/3/1", "", "", ""],  # 3
        ["曾 志伟", "４３０６０２１９８００１０１００２" + c[-1], "86-13700001234", ml, 42064.0, "", "6222 0212 3456 7890 123", "中国工商银行晋江支行"],  # 4
        [None, None, None, None, None, None, None, None],                                         # 5 blank
        ["李四", a, "13800001235", qy, "2016-01-01", "", "", ""],                                 # 6 dup of 2
        ["王五", idn("35058219900307124")[:-1] + "0", "13800001236", qy, "2016-01-01", "", "", ""],  # 7 check digit
        ["赵六", idn("35058219990229001"), "13800001237", qy, "2016-01-01", "", "", ""],           # 8 29 Feb 1999
        ["钱七", idn("35058219800101003"), "12345", qy, "2016-01-01", "", "", ""],                  # 9 phone
        ["孙八", idn("35058219800101004"), "13800001238", "91350582MA2Y00001Y", "2016-01-01", "", "", ""],  # 10
        ["周九", 350582198001010050.0, "13800001239", qy, "2016-01-01", "", "", ""],               # 11 numeric ID
        ["吴十", "350582800101006", "13800001240", qy, "2016-02-30", "", "", ""],                   # 12 bad date
        ["郑十一", "350582800101007", "13800001241", qy, "", "", "", ""],                           # 13 15-digit ok
    ]
    result = run_workers(city, xlsx(WORKER_HEADER, rows))
    assert (result.total, result.good, result.blank, result.created, result.updated) == (12, 4, 1, 4, 0)
    errors = {e.row: (e.column, e.reason) for e in result.errors}
    assert errors[6] == ("身份证号", "与第2行重复")
    assert errors[7][0] == "身份证号" and "校验位" in errors[7][1]
    assert errors[8] == ("身份证号", "出生日期19990229不存在")
    assert errors[9][0] == "手机号"
    assert errors[10][0] == "企业统一社会信用代码" and "不存在" in errors[10][1]
    assert errors[11][0] == "身份证号" and "数字" in errors[11][1]
    assert errors[12] == ("入会日期", "日期“2016-02-30”不存在")
    assert set(errors) == {6, 7, 8, 9, 10, 11, 12}
    # the report never shows a whole number
    assert all("**********" in e.label or len(e.label) <= 20 for e in result.errors)

    zhang = Worker.objects.get(name="张三")
    assert zhang.id_number_clear() == a and zhang.phone == "13800000000"[:0] + "13800001234"
    assert zhang.member_since == dt.date(2015, 3, 1) and zhang.hukou == Hukou.LOCAL
    assert zhang.gender == "M" and zhang.birth_date == dt.date(1990, 3, 7)
    dan = Worker.objects.get(name="单田芳")
    assert dan.member_since == dt.date(2015, 3, 1) and dan.hukou == Hukou.MIGRANT
    assert dan.hukou_place == "四川省达州市通川区"  # blank 户籍地 taken from the ID's place code
    zeng = Worker.objects.get(name="曾志伟")  # stray space removed from the name
    assert zeng.id_number_clear() == c  # full-width digits folded
    assert zeng.member_since == dt.date(2015, 3, 1)  # Excel serial number 42064
    assert zeng.phone == "13700001234" and zeng.bank_number_clear() == "6222021234567890123"
    assert zeng.enterprise.uscc == ml and zeng.org == zeng.enterprise.org
    assert Worker.objects.get(name="郑十一").id_number_clear() == idn("35058219800101007")


def test_reimport_updates_and_never_duplicates(city, two_enterprises):
    qy, ml = two_enterprises
    a = idn("35058219900307123")
    first = run_workers(city, csv_bytes(WORKER_HEADER, [["张三", a, "13800001234", qy, "2015-03-01", "", "", ""]]),
                        "w.csv")
    assert (first.created, first.updated) == (1, 0)
    same = run_workers(city, csv_bytes(WORKER_HEADER, [["张三", a, "13800001234", qy, "2015-03-01", "", "", ""]]),
                       "w.csv")
    assert (same.created, same.updated) == (0, 0)
    moved = run_workers(city, csv_bytes(WORKER_HEADER, [["张叁", a.lower(), "13800009999", ml, "2015-03-01", "",
                                                         "", ""]]), "w.csv")
    assert (moved.created, moved.updated) == (0, 1)
    worker = Worker.objects.get()
    assert worker.name == "张叁" and worker.phone == "13800009999" and worker.enterprise.uscc == ml
    history = list(Employment.objects.filter(worker=worker).order_by("pk").values_list(
        "enterprise__uscc", "left_on"))
    assert history == [(qy, TODAY), (ml, None)]
    keys = set(WorkerNameKey.objects.filter(worker=worker).values_list("key", flat=True))
    assert {"zs", "zhangsan"} <= keys  # 叁 reads san too


def test_gbk_csv_from_chinese_excel(city, two_enterprises):
    qy, _ = two_enterprises
    data = csv_bytes(WORKER_HEADER, [["陈晓燕", idn("35058219920506002"), "13512345678", qy, "2018/7/1",
                                      "福建省晋江市", "", ""]], encoding="gbk")
    result = run_workers(city, data, "职工名单.csv")
    assert (result.created, result.rejected) == (1, 0)
    assert Worker.objects.get().name == "陈晓燕"


def test_a_missing_required_column_refuses_the_file(city, two_enterprises):
    header = [h for h in WORKER_HEADER if h != "身份证号"]
    with pytest.raises(FileRefused, match="缺少必填列：身份证号"):
        run_workers(city, csv_bytes(header, [["张三", "13800001234", "x", "", "", "", ""]]), "w.csv")
    assert not Worker.objects.exists()


def test_dry_run_writes_nothing(city, two_enterprises):
    qy, _ = two_enterprises
    data = csv_bytes(WORKER_HEADER, [["张三", idn("35058219900307123"), "13800001234", qy, "", "", "", ""]])
    result = run_workers(city, data, "w.csv", dry_run=True)
    assert result.good == 1 and result.created == 0
    assert not Worker.objects.exists()


def test_a_failure_while_writing_leaves_nothing_behind(city, two_enterprises, monkeypatch):
    qy, _ = two_enterprises
    rows = [[f"工人{chr(0x4E00 + i)}", idn(f"3505821990{i // 900 + 1:02d}{i % 28 + 1:02d}{i % 900:03d}"), f"138{i:08d}", qy,
             "", "", "", ""]
            for i in range(1, 2600)]  # two chunks
    calls = {"n": 0}
    from gonghui.registry import importing

    original = importing.insert_rows

    def fail_on_second_chunk(model, fields, rows):
        if model is WorkerNameKey:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
        return original(model, fields, rows)

    monkeypatch.setattr(importing, "insert_rows", fail_on_second_chunk)
    with pytest.raises(RuntimeError):
        run_workers(city, csv_bytes(WORKER_HEADER, rows), "w.csv")
    assert Worker.objects.count() == 0 and Employment.objects.count() == 0


def test_enterprise_import_validates_every_field(city, two_enterprises):
    import random

    code = make_uscc(random.Random(99))
    rows = [
        ["晋江市新企业有限公司", code, "青阳街道", "鞋业", 50, "陈", "13800001234"],
        ["坏代码企业", "91350582MA2Y00001A", "青阳街道", "", "", "", ""],
        ["无此镇", make_uscc(random.Random(98)), "火星镇", "", "", "", ""],
        ["人数不对", make_uscc(random.Random(97)), "青阳街道", "", "-5", "", ""],
        ["晋江市青阳测试鞋业有限公司（更名）", two_enterprises[0], "青阳街道", "鞋业", 130, "", ""],
    ]
    result = EnterpriseImporter(scope=city["jinjiang"]).run(xlsx(ENTERPRISE_HEADER, rows), "e.xlsx")
    assert (result.created, result.updated, result.rejected) == (1, 1, 3)
    reasons = {e.row: e.column for e in result.errors}
    assert reasons == {3: "统一社会信用代码", 4: "所属镇街", 5: "职工人数"}
    assert Enterprise.objects.get(uscc=two_enterprises[0]).size == 130


def test_a_town_staff_import_cannot_touch_another_town(city, two_enterprises):
    _qy, ml = two_enterprises
    rows = [["张三", idn("35058219900307123"), "13800001234", ml, "", "", "", ""]]
    result = WorkerImporter(scope=city["qingyang"], today=TODAY).run(csv_bytes(WORKER_HEADER, rows), "w.csv")
    assert result.rejected == 1 and "管辖范围" in result.errors[0].reason
    assert not Worker.objects.exists()


def test_seeded_registry_is_deterministic(registry):
    assert registry == {"enterprises": 340, "workers": 2400}
    assert Worker.objects.count() == 2400
    # every enterprise union of the tree got its enterprise (the market's joint union is no enterprise)
    assert Enterprise.objects.filter(union__isnull=False).count() == 300
    # blind indexes are unique and no number is stored in clear anywhere on the row
    sample = Worker.objects.order_by("pk").first()
    clear = sample.id_number_clear()
    assert pii.blind_index(clear, purpose="id_number") == sample.id_bidx
    row = Worker.objects.filter(pk=sample.pk).values().get()
    assert not any(isinstance(v, str) and clear[-8:] in v for v in row.values())
    assert Org.objects.count() == 428
