"""Health services (健康服务) and women workers' care (女职工关爱), on the shared scheduling: the Wednesday
spine clinic (a recurring session with slots and a record of each visit), the tai chi and health-guidance
courses (enrolment, attendance, completion as 健身运动骨干), screening programmes open to women members only
(两癌筛查, with results) and the care rooms (爱心妈咪小屋) listed with their centre. Visit records and screening
results are health data: written and read by the programme's providers, read by the worker, by no one
else (not the centre's staff)."""

from django.apps import AppConfig

SERVICES = {
    "spine_clinic": {"name": "脊椎养护门诊", "module": "health", "kind": "appointment", "order": 20,
                     "summary": "每周三免费脊椎养护（示例：上午9:00-11:30、下午14:30-17:00，每号30分钟），"
                                "自2014年4月开诊"},
    "taichi": {"name": "太极拳与健康指导课程", "module": "health", "kind": "course", "order": 30,
               "summary": "健康指导中心开设，八段太极名师授课；出勤满规定次数结业，授予“健身运动骨干”"},
    "women_screening": {"name": "女职工两癌筛查", "module": "health", "kind": "appointment", "order": 40,
                        "women_only": True,
                        "summary": "女职工关爱：宫颈癌、乳腺癌免费筛查，按场次预约；结果仅本人和筛查医生可见"},
}


class HealthConfig(AppConfig):
    name = "gonghui.health"
    label = "health"
    verbose_name = "健康服务与女职工关爱"

    def ready(self):
        from gonghui.core import navigation, surfaces
        from gonghui.scheduling import registry as scheduling

        for code, spec in SERVICES.items():
            scheduling.declare(code, **spec)
        scheduling.record("spine_clinic", "就诊记录", "health:record", "health_m:mine")
        scheduling.record("women_screening", "筛查结果", "health:record", "health_m:mine")
        surfaces.pages("desk", "health/", "gonghui.health.urls", order=62)
        surfaces.pages("m", "health/", "gonghui.health.m_urls", order=62)
        surfaces.panel("health", "健康服务与女职工关爱", "gonghui.health.views.panel", permission="cases.view_case",
                       url_name="scheduling_dash:figures", order=62)
        navigation.register("m", "health", "健康与关爱", "health_m:mine", icon="☀", order=42, tab=False,
                            description="脊椎养护门诊、太极课程、女职工两癌筛查、爱心妈咪小屋")
