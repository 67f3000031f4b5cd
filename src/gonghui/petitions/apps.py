"""Petitions (信访接待) and the 12351 worker hotline: registers the two items, their workflows and
handlers on the case engine, the pages on /desk/ (register, supervision, calls), /dash/ (figures), the API
routes, the panel and the daily digest of near and overdue petitions."""

from django.apps import AppConfig

from .choices import Difficulty, Kind

DELIVERY_CHOICES = ["网上查阅（短信提醒）", "邮寄", "当面送达"]

PETITION_ITEM = {
    "code": "petition",
    "prefix": "XF",
    "name": "信访事项",
    "module": "petitions",
    "category": "信访接待",
    "time_limit_days": 60,
    "order": 90,
    "handling_level": "town",
    "summary": "反映劳动权益、工会工作等方面的问题，提出意见建议，检举控告工会工作人员",
    "guide_who": "本市职工，或其他向工会反映情况的人员。检举控告工会工作人员的，不会交由被检举控告的单位或个人办理。",
    "guide_what": "工会依照《信访工作条例》受理、办理您反映的事项，并书面答复。",
    "guide_how": "1. 写明反映的事实、理由和诉求，可上传证据材料；\n"
                 "2. 工会自登记之日起15日内书面告知是否受理；\n"
                 "3. 受理的自受理之日起60日内办结并出具答复意见书，情况复杂的可延长一次，最长30日，并告知延期理由；\n"
                 "4. 对答复不服的，可自收到之日起30日内申请复查；对复查意见不服的，可自收到之日起30日内申请复核。\n"
                 "也可以拨打12351职工热线，或到镇街职工服务中心来访、来信。多人反映同一事项的，请推选不超过5名代表。",
    "materials": [
        {"key": "evidence", "name": "证据材料", "required": False, "note": "合同、工资条、照片等"},
        {"key": "letter", "name": "来信扫描件", "required": False, "by": "staff"},
    ],
    "fields": [
        {"key": "kind", "label": "反映类型", "type": "choice", "required": True, "choices": Kind.labels},
        {"key": "subject", "label": "反映的单位或个人", "type": "text", "required": True, "max_length": 100},
        {"key": "facts", "label": "事实和理由", "type": "textarea", "required": True, "max_length": 3000},
        {"key": "request", "label": "诉求", "type": "textarea", "required": True, "max_length": 1000},
        {"key": "delivery", "label": "书面答复送达方式", "type": "choice", "required": True,
         "choices": DELIVERY_CHOICES},
    ],
    "clocks": [
        {"key": "notice", "label": "告知是否受理", "days": 15, "unit": "calendar"},
        {"key": "handle", "label": "办理期限", "days": 60, "unit": "calendar"},
        {"key": "review", "label": "复查期限", "days": 30, "unit": "calendar"},
        {"key": "rereview", "label": "复核期限", "days": 30, "unit": "calendar"},
    ],
    "workflow": "petition",
}

HOTLINE_ITEM = {
    "code": "hotline",
    "prefix": "RX",
    "name": "12351热线工单",
    "module": "petitions",
    "category": "信访接待",
    "time_limit_days": 3,
    "order": 91,
    "handling_level": "city",
    "summary": "12351职工热线来电需要办理的事项，由热线登记派单、承办单位办复、热线回访",
    "guide_who": "拨打12351职工热线的职工。",
    "guide_what": "一般事项3个工作日内、疑难事项13个工作日内、复杂事项30个工作日内办复，办复后1个工作日内回访。",
    "guide_how": "拨打12351，说明问题和联系方式；热线登记工单并派给承办单位，办复后回访您的意见。",
    "fields": [
        {"key": "kind", "label": "反映类型", "type": "choice", "required": True, "choices": Kind.labels},
        {"key": "difficulty", "label": "难易程度", "type": "choice", "required": True, "choices": Difficulty.labels},
        {"key": "subject", "label": "反映的单位或个人", "type": "text", "required": False, "max_length": 100},
        {"key": "facts", "label": "来电内容", "type": "textarea", "required": True, "max_length": 3000},
        {"key": "request", "label": "诉求", "type": "textarea", "required": False, "max_length": 1000},
    ],
    "clocks": [
        {"key": "ordinary", "label": "办理时限（一般）", "days": 3},
        {"key": "difficult", "label": "办理时限（疑难）", "days": 13},
        {"key": "complex", "label": "办理时限（复杂）", "days": 30},
        {"key": "callback", "label": "回访时限", "days": 1},
    ],
    "step_fields": {
        "answer": [{"key": "answer", "label": "办理结果", "type": "textarea", "required": True, "max_length": 1000}],
    },
    "workflow": "hotline",
}


class PetitionsConfig(AppConfig):
    name = "gonghui.petitions"
    label = "petitions"
    verbose_name = "信访接待"

    def ready(self):
        from gonghui.cases.catalogue import Item
        from gonghui.cases.registry import registry
        from gonghui.core import navigation, surfaces

        from .handler import HOTLINE_WORKFLOW, PETITION_WORKFLOW, HotlineHandler, PetitionHandler

        registry.workflow(PETITION_WORKFLOW)
        registry.declare(Item(**PETITION_ITEM))
        registry.attach(PETITION_ITEM["code"], PetitionHandler())
        registry.workflow(HOTLINE_WORKFLOW)
        registry.declare(Item(**HOTLINE_ITEM))
        registry.attach(HOTLINE_ITEM["code"], HotlineHandler())
        surfaces.pages("desk", "petitions/", "gonghui.petitions.urls", order=80)
        surfaces.pages("dash", "petitions/", "gonghui.petitions.dash_urls", order=80)
        surfaces.api_router("gonghui.petitions.api.router")
        surfaces.panel("petitions", "信访接待", "gonghui.petitions.figures.panel", permission="cases.view_case",
                       url_name="petitions_dash:figures", order=40)
        surfaces.daily("petitions", "gonghui.petitions.services.daily")
        navigation.register("desk", "petitions", "信访登记", "petitions:register", order=27,
                            permission="cases.file_on_behalf")
        navigation.register("desk", "petitions_supervise", "信访督办", "petitions:supervise", order=28,
                            permission="petitions.supervise_petition")
