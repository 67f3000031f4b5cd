from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces with no domain: health, error pages, the command line's own commands."""

    name = "gonghui.core"
    verbose_name = "基础"
