"""Counselling (职工心理咨询): walk-in and booked sessions (on the shared scheduling), the hotline (calls
logged), the mailbox (a worker writes on /m/, a counsellor answers) and group courses for enterprises (the
women workers' psychological courses). Counselling notes are the counsellor's alone (models explains)."""

from django.apps import AppConfig


class CounsellingConfig(AppConfig):
    name = "gonghui.counselling"
    label = "counselling"
    verbose_name = "职工心理咨询"

    def ready(self):
        from gonghui.core import navigation, surfaces
        from gonghui.scheduling import registry as scheduling

        from .models import PERM_COUNSEL, PERM_DISCLOSE

        scheduling.declare("counselling", name="心理咨询", module="counselling", kind="appointment", order=10,
                           confidential=True,
                           summary="国家二级心理咨询师一对一咨询，内容严格保密；也可拨打心理热线或写信到心理信箱")
        scheduling.record("counselling", "咨询记录", "counselling:booking_note")
        surfaces.pages("desk", "counselling/", "gonghui.counselling.urls", order=61)
        surfaces.pages("m", "counselling/", "gonghui.counselling.m_urls", order=61)
        surfaces.panel("counselling", "职工心理咨询", "gonghui.counselling.views.panel", permission="cases.view_case",
                       url_name="counselling:groups", order=61)
        navigation.register("m", "counselling", "心理咨询", "counselling_m:mailbox", icon="♡", order=41, tab=False,
                            description="预约心理咨询、心理热线、心理信箱（内容保密）")
        navigation.register("desk", "counselling", "心理咨询", "counselling:contacts", order=29,
                            permission=PERM_COUNSEL, partners=True)
        navigation.register("desk", "counselling_risks", "心理危机", "counselling:risks", order=29,
                            permission=PERM_DISCLOSE)
