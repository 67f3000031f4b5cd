from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The worker H5 pages (/m/): phone-first layout, sign-in, and what modules register."""

    name = "gonghui.portal"
    verbose_name = "职工服务端"

    def ready(self):
        from gonghui.core import navigation, surfaces

        surfaces.pages("m", "", "gonghui.portal.urls", order=10)

        navigation.register("m", "home", "首页", "portal:home", icon="⌂", order=10)
        navigation.register("m", "centres", "服务站点", "portal:centre_list", icon="⚑", order=20,
                            description="就近找职工服务中心(站)")
        navigation.register("m", "me", "我的", "portal:me", icon="☺", order=90,
                            badge="gonghui.cases.selectors.unread_badge")
