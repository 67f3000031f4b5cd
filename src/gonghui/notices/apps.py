"""Public notices (公示) shared by every programme that publishes before it decides (models explains)."""

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "gonghui.notices"
    label = "notices"
    verbose_name = "公示"

    def ready(self):
        from gonghui.core import navigation, surfaces

        from .models import PERM_PUBLISH

        surfaces.pages("desk", "notices/", "gonghui.notices.urls", order=46)
        surfaces.pages("m", "notices/", "gonghui.notices.m_urls", order=46)
        navigation.register("desk", "notices", "公示", "notices:list", order=26, permission=PERM_PUBLISH)
