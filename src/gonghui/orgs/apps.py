from django.apps import AppConfig


class OrgsConfig(AppConfig):
    """The union tree, its service centres, and the one place where data is scoped to a subtree."""

    name = "gonghui.orgs"
    label = "orgs"
    verbose_name = "组织与服务阵地"
