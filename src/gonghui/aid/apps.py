"""The aid ledger (救助台账): every grant of aid by any programme, and every medical invoice any programme
pays — the one place the no-double-aid check reads."""

from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "gonghui.aid"
    label = "aid"
    verbose_name = "救助台账"
