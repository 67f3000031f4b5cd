"""The demo city: Jinjiang (晋江), Fujian, as the article describes it.

``build_tree(scale)`` writes the union tree and the service centres (``gonghui.site.demo.build_city`` adds
the demo staff accounts). It is
deterministic (a seeded random generator; the same scale gives the same city, path for path) and
idempotent (a second run finds the city and only tops up the demo accounts).

Scales:

- ``demo``: the federation, its 21 town-level unions, 5 community unions and ~14 enterprise unions per
  town (~400 organisations), every centre kind.
- ``city``: the article's real counts — 392 community unions and 8,326 grassroots unions (8,740
  organisations), for the bench and for proving that scoping stays one indexed query.

The tree is written with ``bulk_create`` and paths computed the way django-treebeard computes them
(``Org._get_path``), because adding 8,000 nodes one ``add_child`` at a time costs four queries each.
Real names of streets and towns; enterprise, community and address names are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import transaction

from .models import CentreKind, Facility, Org, OrgKind, ServiceCentre, TownType

ROOT_CODE = "jinjiang"
SEED = 20161  # the platform's first tender: December 2015 / 2016

# (code, name, type) — Jinjiang's 6 streets, 13 towns and its two zones, in the article's order.
TOWNS: list[tuple[str, str, str]] = [
    ("qingyang", "青阳街道", TownType.STREET),
    ("meiling", "梅岭街道", TownType.STREET),
    ("xiyuan", "西园街道", TownType.STREET),
    ("luoshan", "罗山街道", TownType.STREET),
    ("lingyuan", "灵源街道", TownType.STREET),
    ("xintang", "新塘街道", TownType.STREET),
    ("anhai", "安海镇", TownType.TOWN),
    ("cizao", "磁灶镇", TownType.TOWN),
    ("chendai", "陈埭镇", TownType.TOWN),
    ("chidian", "池店镇", TownType.TOWN),
    ("neikeng", "内坑镇", TownType.TOWN),
    ("zimao", "紫帽镇", TownType.TOWN),
    ("dongshi", "东石镇", TownType.TOWN),
    ("yonghe", "永和镇", TownType.TOWN),
    ("yinglin", "英林镇", TownType.TOWN),
    ("jinjing", "金井镇", TownType.TOWN),
    ("longhu", "龙湖镇", TownType.TOWN),
    ("shenhu", "深沪镇", TownType.TOWN),
    ("xibin", "西滨镇", TownType.TOWN),
    ("kaifaqu", "晋江经济开发区", TownType.DEVELOPMENT_ZONE),
    ("gongyequ", "晋江五里工业园区", TownType.INDUSTRIAL_ZONE),
]

# The article: the city centre and ten centres incl. 罗山, 梅岭, 青阳 are Quanzhou demonstration sites.
DEMONSTRATION_TOWNS = {"luoshan", "meiling", "qingyang", "xiyuan", "lingyuan", "anhai", "cizao",
                       "chendai", "chidian"}
DEMONSTRATION_TITLE = "泉州市级示范点"


@dataclass(frozen=True)
class Scale:
    communities: int  # in the whole city
    grassroots: int  # in the whole city
    enterprise_centres: int


SCALES = {
    "demo": Scale(communities=21 * 5, grassroots=300, enterprise_centres=50),
    "city": Scale(communities=392, grassroots=8326, enterprise_centres=50),
}

_ROADS = ["世纪大道", "泉安中路", "青华路", "梅岭路", "崇德路", "罗裳路", "迎宾路", "和平路", "长兴路",
          "陈埭大道", "安平路", "灵源路", "紫华路", "宝安路", "沿海大道", "晋新路", "曾井路", "兴业路"]
_PLACE = list("东西南北新前后上下湖山塘坑埔厝林溪港岭洋浦美兴安宅园仔")
_BRAND = list("恒安盛华鸿达兴利源丰嘉泰祥瑞信诚宏联鑫锦益隆昌顺福凯腾宝豪伟特")
_INDUSTRY = ["鞋业", "服装", "纺织", "陶瓷", "食品", "伞业", "建材", "机械", "包装", "化纤", "五金",
             "印刷", "体育用品", "卫浴", "电子", "针织", "石材", "物流"]
_ENTERPRISE_SUFFIX = ["有限公司", "股份有限公司", "集团有限公司"]

_OFFICE_FACILITIES = [Facility.HOTLINE, Facility.COMPUTER, Facility.PRINTER, Facility.COPIER,
                      Facility.SCANNER, Facility.RECEPTION, Facility.MEDIATION]
_LOVE_POINT_FACILITIES = [Facility.REST, Facility.WATER, Facility.MICROWAVE, Facility.FIRST_AID,
                          Facility.CHARGING, Facility.TOILET]


@dataclass
class _Node:
    code: str
    name: str
    kind: str
    short_name: str = ""
    town_type: str = ""
    address: str = ""
    phone: str = ""
    children: list[_Node] = field(default_factory=list)


def _phone(rng: random.Random) -> str:
    return f"0595-8{rng.randint(1000000, 9999999)}"


def _address(rng: random.Random, town: str) -> str:
    return f"福建省晋江市{town}{rng.choice(_ROADS)}{rng.randint(1, 399)}号"


def _spread(total: int, buckets: int) -> list[int]:
    """Split ``total`` into ``buckets`` near-equal whole parts, larger parts first."""
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


def _plan(scale: Scale) -> _Node:
    """The whole tree as plain objects, drawn from a seeded generator."""
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not security
    root = _Node(ROOT_CODE, "晋江市总工会", OrgKind.FEDERATION, short_name="晋江市",
                 address="福建省晋江市青阳街道世纪大道工人文化宫", phone="0595-85661234")
    used_enterprises: set[str] = set()
    communities_per_town = _spread(scale.communities, len(TOWNS))
    grassroots_per_town = _spread(scale.grassroots, len(TOWNS))
    for (code, name, town_type), n_comm, n_grass in zip(
        TOWNS, communities_per_town, grassroots_per_town, strict=True
    ):
        suffix = "总工会"
        town = _Node(code, f"{name}{suffix}", OrgKind.TOWN, short_name=name, town_type=town_type,
                     address=_address(rng, name), phone=_phone(rng))
        root.children.append(town)
        used_places: set[str] = set()
        communities = []
        for i in range(n_comm):
            while True:
                place = rng.choice(_PLACE) + rng.choice(_PLACE)
                if place not in used_places and place[0] != place[1]:
                    used_places.add(place)
                    break
            unit = "社区" if town_type == TownType.STREET or i % 3 == 0 else "村"
            community = _Node(f"{code}-c{i + 1:03d}", f"{name}{place}{unit}工会", OrgKind.COMMUNITY,
                              short_name=f"{place}{unit}", address=_address(rng, name))
            communities.append(community)
            town.children.append(community)
        for i in range(n_grass):
            while True:
                brand = rng.choice(_BRAND) + rng.choice(_BRAND)
                enterprise = f"晋江市{brand}{rng.choice(_INDUSTRY)}{rng.choice(_ENTERPRISE_SUFFIX)}"
                if enterprise not in used_enterprises and brand[0] != brand[1]:
                    used_enterprises.add(enterprise)
                    break
            node = _Node(f"{code}-g{i + 1:04d}", f"{enterprise}工会", OrgKind.GRASSROOTS,
                         short_name=enterprise, address=_address(rng, name), phone=_phone(rng))
            # One enterprise union in four sits under a community union (a building or an industrial
            # park's joint union), the rest directly under the town.
            if communities and i % 4 == 3:
                communities[i % len(communities)].children.append(node)
            else:
                town.children.append(node)
        if code == "cizao":
            town.children.append(_Node("cizao-dongshan-market", "磁灶东山瓷砖建材市场工会联合会",
                                       OrgKind.GRASSROOTS, short_name="磁灶东山瓷砖建材市场",
                                       address="福建省晋江市磁灶镇东山瓷砖建材市场", phone=_phone(rng)))
    return root


def _flatten(node: _Node, path: str, depth: int, out: list[Org]) -> None:
    out.append(Org(path=path, depth=depth, numchild=len(node.children), code=node.code, name=node.name,
                   kind=node.kind, short_name=node.short_name, town_type=node.town_type,
                   address=node.address, phone=node.phone))
    for index, child in enumerate(node.children, start=1):
        _flatten(child, Org._get_path(path, depth + 1, index), depth + 1, out)


def _centres(orgs: dict[str, Org], scale: Scale) -> list[ServiceCentre]:
    rng = random.Random(SEED + 1)  # noqa: S311 - deterministic demo data
    root = orgs[ROOT_CODE]
    centres = [ServiceCentre(
        org=root, name="晋江市职工服务中心", kind=CentreKind.CITY,
        address="福建省晋江市青阳街道世纪大道工人文化宫一楼", phone="0595-85661234",
        opening_hours="周一至周六 8:00-12:00，14:30-17:30（每周三下午脊椎养护义诊）",
        facilities=[*_OFFICE_FACILITIES, Facility.COUNSELLING, Facility.READING, Facility.GYM],
        fulltime_staff=6, is_demonstration=True, demonstration_title=DEMONSTRATION_TITLE,
    )]
    staff = _spread(49, len(TOWNS))  # with the city centre's 6: the article's 55 full-time staff
    for (code, name, _type), n_staff in zip(TOWNS, staff, strict=True):
        town = orgs[code]
        extras = [Facility.READING, Facility.GYM, Facility.REST] if code == "meiling" else []
        centres.append(ServiceCentre(
            org=town, name=f"{name}职工服务中心", kind=CentreKind.TOWN, address=town.address,
            phone=town.phone, opening_hours="周一至周五 8:00-12:00，14:30-17:30",
            facilities=[*_OFFICE_FACILITIES, *extras], fulltime_staff=n_staff,
            is_demonstration=code in DEMONSTRATION_TOWNS,
            demonstration_title=DEMONSTRATION_TITLE if code in DEMONSTRATION_TOWNS else "",
        ))
        centres.append(ServiceCentre(
            org=town, name=f"{name}环卫工人爱心服务点", kind=CentreKind.SANITATION,
            address=_address(rng, name), phone=town.phone, opening_hours="每日 6:00-21:00",
            facilities=list(_LOVE_POINT_FACILITIES), fulltime_staff=0,
        ))
    market = orgs["cizao-dongshan-market"]
    centres.append(ServiceCentre(
        org=market, name="磁灶东山瓷砖建材市场职工服务中心", kind=CentreKind.MARKET,
        address=market.address, phone=market.phone, opening_hours="周一至周六 8:00-18:00",
        facilities=[Facility.HOTLINE, Facility.COMPUTER, Facility.PRINTER, Facility.REST, Facility.WATER],
        fulltime_staff=1,
    ))
    grassroots = [o for o in orgs.values() if o.kind == OrgKind.GRASSROOTS and o.code != market.code]
    step = max(1, len(grassroots) // scale.enterprise_centres)
    for org in grassroots[::step][: scale.enterprise_centres]:
        centres.append(ServiceCentre(
            org=org, name=f"{org.short_name}职工服务中心", kind=CentreKind.ENTERPRISE,
            address=org.address, phone=org.phone, opening_hours="工作日 12:00-13:30，17:30-20:00",
            facilities=rng.sample([Facility.COMPUTER, Facility.READING, Facility.GYM, Facility.REST,
                                   Facility.COUNSELLING, Facility.WATER], 3),
            fulltime_staff=0,
        ))
    return centres


def build_tree(scale_name: str = "demo") -> dict[str, int]:
    """Build the city's tree and centres at ``scale_name`` unless they exist; return what was created.
    (The demo staff accounts are the accounts app's: gonghui.site.demo.build_city builds both.)"""
    scale = SCALES[scale_name]
    created = {"orgs": 0, "centres": 0}
    with transaction.atomic():
        if not Org.objects.filter(code=ROOT_CODE).exists():
            if Org.objects.filter(depth=1).exists():
                raise RuntimeError("数据库中已有其他根组织，无法生成演示城市。")
            rows: list[Org] = []
            _flatten(_plan(scale), Org._get_path(None, 1, 1), 1, rows)
            Org.objects.bulk_create(rows, batch_size=2000)
            orgs = {o.code: o for o in Org.objects.all()}
            centres = _centres(orgs, scale)
            ServiceCentre.objects.bulk_create(centres, batch_size=2000)
            created["orgs"], created["centres"] = len(rows), len(centres)
    return created
