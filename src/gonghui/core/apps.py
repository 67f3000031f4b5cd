from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces with no domain: health, error pages, the command line's own commands."""

    name = "gonghui.core"
    verbose_name = "基础"

    def ready(self):
        from . import navigation

        navigation.register("desk", "audit", "审计日志", "audit_list", order=90, permission="core.view_auditlog")
