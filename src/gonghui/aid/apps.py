"""The aid ledger (救助台账): every grant of aid by any programme, and every medical invoice any programme
pays — the one place the no-double-aid check reads."""

from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "gonghui.aid"
    label = "aid"
    verbose_name = "救助台账"

    def ready(self):
        from gonghui.core import surfaces

        # the invoice forms of any programme's medical cases (services.medical_item)
        surfaces.pages("desk", "aid/", "gonghui.aid.urls", order=90)
        surfaces.pages("m", "aid/", "gonghui.aid.m_urls", order=90)
