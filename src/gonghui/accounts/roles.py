"""The roles the platform ships with, as data: created after every `migrate` when missing.

The security administrator may change a role's permissions afterwards: a permission is given to a shipped
role once, in the release that adds it (``Role.shipped_permissions`` remembers which were given), so a
permission the administrator took away is not given back. The three administrators (三员分立) are separate
duties: one person holds at most one of them
(enforced by accounts.services.role_grant).
"""

from __future__ import annotations

VIEW_TREE = ["orgs.view_org", "orgs.view_servicecentre"]
VIEW_REGISTRY = ["registry.view_enterprise", "registry.view_worker", "registry.view_importjob"]
HANDLE_CASES = ["cases.view_case", "cases.handle_case", "cases.decide_case", "cases.file_on_behalf"]

ROLES: dict[str, dict] = {
    "centre_staff": {
        "name": "服务中心工作人员", "description": "受理、代办、录入和导入，查看本级及下级的职工档案",
        "permissions": [*VIEW_TREE, *VIEW_REGISTRY, "registry.import_registry", "registry.view_worker_pii",
                        *HANDLE_CASES, "model_workers.manage_model_workers",
                        "petitions.supervise_petition", "scheduling.manage_sessions"],
    },
    "reviewer": {
        "name": "审核人员", "description": "复核办件，可导出含完整证件号码的名单",
        "permissions": [*VIEW_TREE, *VIEW_REGISTRY, "registry.view_worker_pii", "registry.export_worker_pii",
                        "cases.view_case", "cases.decide_case", "cases.extend_deadline"],
    },
    "finance": {
        "name": "财务人员", "description": "补助金支付批次与银行文件", "requires_2fa": True,
        "permissions": [*VIEW_TREE, *VIEW_REGISTRY, "registry.view_worker_pii", "cases.view_case",
                        "payments.manage_payments", "mutual_aid.manage_mutual_aid"],
    },
    "mutual_aid_admin": {
        "name": "医疗互助管理员", "description": "市级：活动年度、互助项目、补助规则，历史数据导入，批准逾期申请",
        "permissions": [*VIEW_TREE, *VIEW_REGISTRY, "registry.import_registry", "cases.view_case",
                        "mutual_aid.manage_mutual_aid", "mutual_aid.administer_plan_years"],
    },
    "enterprise_contact": {
        "name": "企业工会专干", "description": "仅本企业：上传花名册、参保、发布岗位",
        "permissions": [*VIEW_TREE, *VIEW_REGISTRY, "registry.import_registry"],
    },
    # assignment-scoped: the permissions apply to the cases assigned to the partner, never to the subtree of
    # the organisation the role is granted at (the union that contracted the partner)
    "partner": {
        "name": "合作律师/咨询师", "description": "仅处理分派给本人的办件或预约", "assignment_scoped": True,
        "permissions": ["cases.view_case", "cases.add_document", "legal.represent", "scheduling.provide_session"],
    },
    # the counselling room's certified counsellors: their own sessions and the mailbox of the union that
    # contracted their practice; their notes are theirs alone
    "counsellor": {
        "name": "心理咨询师", "description": "仅本人的咨询排班、预约和咨询记录，回复心理咨询信箱",
        "assignment_scoped": True,
        "permissions": ["scheduling.provide_session", "counselling.counsel"],
    },
    # the clinic's doctors, the tai chi teacher, a screening programme's doctors: their own sessions and
    # courses, and the health records of those sessions
    "health_provider": {
        "name": "健康服务人员", "description": "医生、教练：仅本人的排班、课程和健康记录", "assignment_scoped": True,
        "permissions": ["scheduling.provide_session", "health.record_health"],
    },
    # a named person who may, in an emergency (a risk to life), read a counselling note: each time with a
    # written justification, audited, and the counsellor told
    "crisis_lead": {
        "name": "心理危机干预负责人", "description": "紧急情况下经说明理由查阅心理咨询记录（逐次审计）",
        "requires_2fa": True,
        "permissions": [*VIEW_TREE, "counselling.disclose_note"],
    },
    "leader": {
        "name": "领导", "description": "只读：统计数据与报表",
        "permissions": [*VIEW_TREE, "cases.view_case"],
    },
    "system_admin": {
        "name": "系统管理员", "description": "用户、组织、系统设置；不接触业务数据和审计日志",
        "admin_duty": "system", "requires_2fa": True,
        "permissions": [*VIEW_TREE, "orgs.add_org", "orgs.change_org", "orgs.add_servicecentre",
                        "orgs.change_servicecentre", "accounts.view_user", "accounts.add_user",
                        "accounts.change_user", "accounts.view_partner", "accounts.add_partner",
                        "accounts.change_partner", "accounts.view_apitoken", "accounts.add_apitoken",
                        "accounts.change_apitoken", "core.view_calendarday", "core.add_calendarday",
                        "core.change_calendarday", "core.delete_calendarday", "cases.view_serviceitem",
                        "cases.change_serviceitem", "legal.view_rewardscheme", "legal.add_rewardscheme",
                        "legal.change_rewardscheme", "legal.view_mediationdistrict", "legal.add_mediationdistrict",
                        "legal.change_mediationdistrict", "registry.view_retentionrule",
                        # the scheduled services' booking rules and the centres' rooms
                        "scheduling.view_service", "scheduling.change_service", "scheduling.view_place",
                        "scheduling.add_place", "scheduling.change_place", "health.view_careroom",
                        "health.add_careroom", "health.change_careroom",
                        "registry.change_retentionrule",
                        # the needy-worker programmes' rules and figures, and the Golden Autumn campaigns
                        *[f"assistance.{action}_{model}" for model in ("hardshiprules", "livingstandard", "aidcap",
                                                                       "campaign", "tier")
                          for action in ("view", "add", "change")],
                        # the model workers' titles, allowance rates, subsidy rules and health-check intervals
                        *[f"model_workers.{action}_{model}" for model in ("title", "allowancerate", "subsidyrule",
                                                                          "checkrule")
                          for action in ("view", "add", "change")]],
    },
    "security_admin": {
        "name": "安全管理员", "description": "角色授权与安全设置（锁定解除等）",
        "admin_duty": "security", "requires_2fa": True,
        "permissions": ["accounts.view_user", "accounts.view_role", "accounts.change_role",
                        "accounts.view_roleassignment", "accounts.add_roleassignment",
                        "accounts.delete_roleassignment", "axes.view_accessattempt", "axes.delete_accessattempt"],
    },
    "audit_admin": {
        "name": "审计管理员", "description": "只读审计日志", "admin_duty": "audit", "requires_2fa": True,
        "permissions": ["core.view_auditlog"],
    },
}


def sync_roles(**kwargs) -> None:
    """post_migrate: make sure every permission exists, then create the roles that are missing."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.db import connections

    from .models import Role

    using = kwargs.get("using", "default")
    if Role._meta.db_table not in connections[using].introspection.table_names():
        return  # migrating backwards: the roles' table is gone
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    for code, spec in ROLES.items():
        role, created = Role.objects.get_or_create(code=code, defaults={
            "name": spec["name"], "description": spec.get("description", ""),
            "admin_duty": spec.get("admin_duty", ""), "requires_2fa": spec.get("requires_2fa", False),
            "assignment_scoped": spec.get("assignment_scoped", False)})
        if role.assignment_scoped != spec.get("assignment_scoped", False):  # what the role is, not a setting
            role.assignment_scoped = spec.get("assignment_scoped", False)
            role.save(update_fields=["assignment_scoped"])
        # Permissions a release adds to a shipped role reach existing installations once; a permission
        # the security administrator took away stays away (it is in ``shipped_permissions`` already).
        new = [perm for perm in spec["permissions"] if perm not in role.shipped_permissions]
        for perm in new:
            app_label, codename = perm.split(".")
            role.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        if new or created:
            role.shipped_permissions = sorted({*role.shipped_permissions, *spec["permissions"]})
            role.save(update_fields=["shipped_permissions"])
