from django.apps import AppConfig


class DashConfig(AppConfig):
    """The management and decision platform (/dash/): the leaders' home page, assembled from the panels
    the modules register (core.surfaces.panel); each module's own figures pages hang below it."""

    name = "gonghui.dash"
    label = "dash"
    verbose_name = "管理决策平台"

    def ready(self):
        from gonghui.core import navigation, surfaces

        surfaces.pages("dash", "", "gonghui.dash.urls", order=10)
        navigation.register("desk", "dash", "管理决策", "dash:home", order=80, permission="cases.view_case")
