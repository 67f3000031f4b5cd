"""The demo staff accounts of the demo city (README: Demo accounts), with their roles at their
organisations. Idempotent: missing accounts are created, existing ones get any missing role."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from gonghui.orgs.demo_city import ROOT_CODE
from gonghui.orgs.models import Org

from .models import Role, RoleAssignment

DEMO_PASSWORD = "Gonghui#2026"  # noqa: S105 - the published demo password (README)

DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", "系统管理员", "晋江市总工会"),
    ("city_staff", "市职工服务中心工作人员", "晋江市总工会"),
    ("qingyang_staff", "青阳街道职工服务中心工作人员", "青阳街道总工会"),
    ("meiling_staff", "梅岭街道职工服务中心工作人员", "梅岭街道总工会"),
    ("secadmin", "安全管理员", "晋江市总工会"),
    ("auditor", "审计管理员", "晋江市总工会"),
    ("city_finance", "市总工会财务人员", "晋江市总工会"),
    ("city_mutualaid", "市总工会医疗互助管理员", "晋江市总工会"),
    ("city_crisis", "心理危机干预负责人", "晋江市总工会"),
]
_ACCOUNT_ORG = {"admin": ROOT_CODE, "city_staff": ROOT_CODE, "qingyang_staff": "qingyang",
                "meiling_staff": "meiling", "secadmin": ROOT_CODE, "auditor": ROOT_CODE,
                "city_finance": ROOT_CODE, "city_mutualaid": ROOT_CODE, "city_crisis": ROOT_CODE}
_ACCOUNT_ROLES = {"admin": ["system_admin"], "city_staff": ["centre_staff", "reviewer"],
                  "qingyang_staff": ["centre_staff"], "meiling_staff": ["centre_staff"],
                  "secadmin": ["security_admin"], "auditor": ["audit_admin"], "city_finance": ["finance"],
                  "city_mutualaid": ["mutual_aid_admin"], "city_crisis": ["crisis_lead"]}
_ACCOUNT_NAME = {"admin": "系统管理员", "city_staff": "林晓燕", "qingyang_staff": "陈志强",
                 "meiling_staff": "黄丽娟", "secadmin": "安全管理员", "auditor": "审计管理员",
                 "city_finance": "王会计", "city_mutualaid": "郑美华", "city_crisis": "周建国"}


def ensure_demo_accounts() -> list[str]:
    """Create the demo staff accounts that are missing, with their roles; return the usernames created.

    ``admin`` is the system administrator (三员: users, organisations, settings) — deliberately not a
    Django superuser, so it reads no business data and no audit log.
    """
    User = get_user_model()
    created = []
    orgs = {o.code: o for o in Org.objects.filter(code__in=set(_ACCOUNT_ORG.values()))}
    roles = {r.code: r for r in Role.objects.all()}
    for username, title, _org_name in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, name=_ACCOUNT_NAME[username], org=orgs[_ACCOUNT_ORG[username]],
                        title=title, is_staff=username in ("admin", "secadmin"),
                        must_change_password=False)  # demo only: real accounts change it at first login
            user.set_password(DEMO_PASSWORD)
            user.save()
            created.append(username)
        for code in _ACCOUNT_ROLES[username]:
            RoleAssignment.objects.get_or_create(user=user, role=roles[code], org=orgs[_ACCOUNT_ORG[username]])
    return created


def ensure_partner_people(*, name: str, kind: str, role: str, people, prefix: str, title: str, phone: str = "",
                          address: str = "") -> list:
    """A partner organisation under agreement with the city federation and its people (usernames
    ``<prefix>1`` …), each holding the assignment-scoped ``role`` at the federation; returns their users.
    Idempotent. The demo's law firm, counselling practice and clinic are made with it."""
    from .models import Partner

    root = Org.objects.get(code=ROOT_CODE)
    partner, _ = Partner.objects.get_or_create(name=name, defaults={
        "kind": kind, "org": root, "contact": people[0], "phone": phone, "address": address})
    User = get_user_model()
    users = []
    granted = Role.objects.get(code=role)
    for n, person in enumerate(people, start=1):
        user = User.objects.filter(username=f"{prefix}{n}").first()
        if user is None:
            user = User(username=f"{prefix}{n}", name=person, partner=partner, title=title,
                        must_change_password=False)  # demo only: real accounts change it at first login
            user.set_password(DEMO_PASSWORD)
            user.save()
        RoleAssignment.objects.get_or_create(user=user, role=granted, org=root)
        users.append(user)
    return users
