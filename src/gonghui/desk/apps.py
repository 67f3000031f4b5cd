from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The service workbench (/desk/): layout, login and the pages of the union tree and its centres."""

    name = "gonghui.desk"
    verbose_name = "服务工作台"

    def ready(self):
        from gonghui.core import navigation, surfaces

        surfaces.pages("desk", "", "gonghui.desk.urls", order=10)

        navigation.register("desk", "home", "组织架构", "desk:home", order=10, permission="orgs.view_org")
        navigation.register("desk", "centres", "服务阵地", "desk:centre_list", order=20,
                            permission="orgs.view_servicecentre")
