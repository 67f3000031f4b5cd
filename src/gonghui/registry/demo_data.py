"""Enterprises and workers of the demo city, written as CSV files and loaded through the real importer.

Deterministic (seeded generator): the same scale gives the same people. The ID numbers are genuine in
form — real place codes of Jinjiang, the rest of Fujian and the provinces migrant workers come from,
real birth dates, the GB 11643 check digit — but belong to nobody; names, phones and bank cards are
invented likewise.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gonghui.core import idnumber
from gonghui.orgs.demo_city import ROOT_CODE
from gonghui.orgs.models import Org, OrgKind

from .importing import ENTERPRISE_COLUMNS, WORKER_COLUMNS, EnterpriseImporter, Result, WorkerImporter
from .models import Enterprise, Tag, Worker

SEED = 20160201


@dataclass(frozen=True)
class RegistryScale:
    enterprises: int
    workers: int


SCALES = {"demo": RegistryScale(enterprises=340, workers=2_400),
          "city": RegistryScale(enterprises=9_100, workers=700_000)}

TAGS = [("needy", "困难职工"), ("model_worker", "劳动模范"), ("sanitation", "环卫工人"),
        ("migrant", "农民工"), ("female_special", "女职工")]

# Surnames as they are spread in southern Fujian (陈, 林, 黄 lead) with the rest of China behind.
_SURNAMES = ("陈" * 12 + "林" * 9 + "黄" * 7 + "张" * 5 + "吴" * 5 + "王" * 5 + "李" * 5 + "郑" * 4 + "蔡" * 4
             + "许" * 3 + "施" * 3 + "洪" * 3 + "苏" * 3 + "杨" * 3 + "刘" * 3 + "曾" * 2 + "庄" * 2 + "谢" * 2
             + "周徐孙马朱胡郭何高罗梁宋唐韩冯邓彭肖田董袁潘蒋余杜叶程魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹"
             + "孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单柯骆颜卓")
_MALE = "伟强磊军勇杰涛斌超明辉鹏华建国志文俊峰宇浩凯亮松海波鑫家荣晓东鸿振坤福德阳林彬晨"
_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪琳慧颖洁倩佳梅莉琴秀兰萍红君凤琪妍欣雅晶瑶蓉"
_LOCAL = ["350582"] * 8 + ["350583", "350521", "350524", "350526", "350502", "350503", "350581",
                           "350181", "350322"]
_MIGRANT = ["511702", "511721", "511722", "512021", "430602", "431021", "421002", "422801", "522121",
            "522425", "532128", "360730", "362124", "410522", "412822", "340421", "450881", "510681"]
_BANKS = ["中国工商银行晋江支行", "中国农业银行晋江支行", "中国建设银行晋江支行", "中国银行晋江支行",
          "福建晋江农村商业银行", "泉州银行晋江支行"]
_INDUSTRIES = ["鞋业", "服装", "纺织", "陶瓷", "食品", "伞业", "建材", "机械", "包装", "化纤", "五金", "印刷",
               "体育用品", "卫浴", "电子", "针织", "石材", "物流", "环卫"]
_BRAND = "恒安盛华鸿达兴利源丰嘉泰祥瑞信诚宏联鑫锦益隆昌顺福凯腾宝豪伟特永新佳美华晋海"



def _org_code_check(base8: str) -> str:
    """GB 11714 organisation code check character of 8 characters."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in base8]
    r = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def make_uscc(rng: random.Random) -> str:
    from stdnum.cn import uscc

    base8 = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    body = "91350582" + base8 + _org_code_check(base8)
    return body + uscc.calc_check_digit(body)


def make_id(rng: random.Random, region: str, birth: dt.date, male: bool) -> str:
    seq = rng.randint(0, 499) * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + idnumber.check_char(body)


def _enterprise_rows(rng: random.Random, scale: RegistryScale) -> list[list]:
    root = Org.objects.get(code=ROOT_CODE)
    towns = {o.path: o for o in Org.objects.filter(kind=OrgKind.TOWN).within(root.path)}
    unions = list(Org.objects.filter(kind=OrgKind.GRASSROOTS).within(root.path).order_by("path"))
    rows, seen_codes, seen_names = [], set(), set()

    def town_of(path: str) -> Org:
        return towns[path[:8]]

    def add(name: str, town: Org, industry: str) -> None:
        while True:
            code = make_uscc(rng)
            if code not in seen_codes:
                seen_codes.add(code)
                break
        seen_names.add(name)
        size = rng.choice([rng.randint(20, 80), rng.randint(80, 400), rng.randint(400, 3000)])
        contact = rng.choice(_SURNAMES) + rng.choice(_MALE + _FEMALE)
        phone = f"1{rng.choice('35789')}{rng.randint(0, 999_999_999):09d}"
        rows.append([name, code, town.short_name, industry, size, contact, phone])

    for union in unions[: scale.enterprises]:
        name = union.short_name or union.name.removesuffix("工会")
        industry = next((i for i in _INDUSTRIES if i in name), rng.choice(_INDUSTRIES))
        add(name, town_of(union.path), industry)
    town_list = list(towns.values())
    while len(rows) < scale.enterprises:  # enterprises without a union of their own
        industry = rng.choice(_INDUSTRIES)
        name = f"晋江市{rng.choice(_BRAND)}{rng.choice(_BRAND)}{industry}有限公司"
        if name in seen_names:
            continue
        add(name, rng.choice(town_list), industry)
    return rows


def _worker_rows(rng: random.Random, scale: RegistryScale, enterprises: list[list]) -> Iterator[list]:
    weights = [max(1, int(row[4])) for row in enterprises]
    codes = [row[1] for row in enterprises]
    chosen = rng.choices(codes, weights=weights, k=scale.workers)
    seen_ids: set[str] = set()
    today = dt.date(2026, 6, 30)
    for code in chosen:
        male = rng.random() < 0.55
        name = rng.choice(_SURNAMES) + rng.choice(_MALE if male else _FEMALE)
        if rng.random() < 0.7:
            name += rng.choice(_MALE if male else _FEMALE)
        local = rng.random() < 0.45
        region = rng.choice(_LOCAL if local else _MIGRANT)
        while True:
            birth = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randint(0, 40 * 365))
            id_value = make_id(rng, region, birth, male)
            if id_value not in seen_ids:
                seen_ids.add(id_value)
                break
        joined_earliest = max(dt.date(birth.year + 18, birth.month, min(birth.day, 28)), dt.date(2005, 1, 1))
        span = (today - joined_earliest).days
        member_since = joined_earliest + dt.timedelta(days=rng.randint(0, max(span, 0)))
        phone = f"1{rng.choice('35789')}{rng.randint(0, 999_999_999):09d}"
        place = "" if rng.random() < 0.3 else idnumber.region_name(region)
        has_bank = rng.random() < 0.3
        bank = f"6222{rng.randint(0, 10**15 - 1):015d}" if has_bank else ""
        yield [name, id_value, phone, code, member_since.isoformat(), place, bank,
               rng.choice(_BANKS) if has_bank else ""]


def _csv(header: list[str], rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def build_registry(scale_name: str = "demo", progress=None) -> dict[str, int]:
    """Enterprises and workers of the demo city unless they exist; through the real importer."""
    scale = SCALES[scale_name]
    for code, name in TAGS:
        Tag.objects.get_or_create(code=code, defaults={"name": name})
    if Enterprise.objects.exists() or Worker.objects.exists():
        return {"enterprises": 0, "workers": 0}
    root = Org.objects.get(code=ROOT_CODE)
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not security
    enterprise_rows = _enterprise_rows(rng, scale)
    enterprises: Result = EnterpriseImporter(scope=root).run(
        _csv(ENTERPRISE_COLUMNS, enterprise_rows), "enterprises.csv", progress=progress)
    worker_rows = _worker_rows(rng, scale, enterprise_rows)
    workers: Result = WorkerImporter(scope=root, today=dt.date(2026, 11, 1)).run(
        _csv(WORKER_COLUMNS, worker_rows), "workers.csv", progress=progress)
    if enterprises.rejected or workers.rejected:
        first = (enterprises.errors or workers.errors)[0]
        raise RuntimeError(f"demo data rejected by the importer: row {first.row} {first.column} {first.reason}")
    return {"enterprises": enterprises.created, "workers": workers.created}

