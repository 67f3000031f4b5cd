"""Model workers (劳模): the register at two levels, honour allowances, hospital-cost subsidies, condolence
visits, health checks and recuperation. Registers its item, workflow and handler on the case engine, its
pages on /desk/, /m/ and /dash/, its two payment sources, its import kind, its panel and its daily job (the
month's allowance run drafted on the first)."""

from django.apps import AppConfig

HOSPITAL_ITEM = {
    "code": "mw_hospital",
    "prefix": "LMYL",
    "name": "劳模医疗补助",
    "module": "model_workers",
    "category": "劳模服务",
    "time_limit_days": 15,
    "order": 50,
    # the first level (the city's model-worker office) values and approves every claim, whoever manages the
    # model worker at the second level
    "handling_level": "city",
    "summary": "退休劳模（省部级以上等）医疗费用中个人自付部分，按级别比例补助，年度封顶",
    "guide_who": "登记在册的退休劳模（补助范围和标准以当年规定为准）。",
    "guide_what": "医保报销后的个人自付医疗费用，按劳模级别补助：全国级100%、省部级80%、市级60%，每年封顶"
                  "（示例标准）。同一张发票不能在医疗互助、困难职工医疗救助和劳模医疗补助重复报销。",
    "guide_how": "1. 说明就医情况，逐张填写医疗费用发票；\n2. 上传发票、医保结算单和出院小结；\n"
                 "3. 市总工会劳模办审核，核准后补助金转入您的银行卡。",
    "materials": [
        {"key": "invoices", "name": "医疗费用发票", "required": True},
        {"key": "settlement", "name": "医保结算单", "required": True},
        {"key": "discharge", "name": "出院小结或病历", "required": False},
    ],
    "fields": [
        {"key": "illness", "label": "就医情况", "type": "textarea", "required": True, "max_length": 500},
        {"key": "bank_name", "label": "开户行", "type": "text", "required": True, "max_length": 60},
        {"key": "bank_card", "label": "银行卡号", "type": "bank_card", "required": True},
        {"key": "phone", "label": "联系电话", "type": "phone", "required": True, "prefill": "phone"},
    ],
    "workflow": "mw_hospital",
}


class ModelWorkersConfig(AppConfig):
    name = "gonghui.model_workers"
    label = "model_workers"
    verbose_name = "劳模服务"

    def ready(self):
        from gonghui.aid import services as aid
        from gonghui.cases.catalogue import Item
        from gonghui.cases.registry import registry
        from gonghui.core import navigation, surfaces
        from gonghui.payments import sources as payment_sources
        from gonghui.registry.importing import register_kind

        from . import importers
        from .handler import HOSPITAL_WORKFLOW, HospitalHandler
        from .models import PERM_MANAGE

        registry.workflow(HOSPITAL_WORKFLOW)
        registry.declare(Item(**HOSPITAL_ITEM))
        registry.attach(HOSPITAL_ITEM["code"], HospitalHandler())
        aid.medical_item(HOSPITAL_ITEM["code"], "劳模医疗补助")
        surfaces.pages("desk", "model-workers/", "gonghui.model_workers.urls", order=70)
        surfaces.pages("m", "model-worker/", "gonghui.model_workers.m_urls", order=70)
        surfaces.pages("dash", "model-workers/", "gonghui.model_workers.dash_urls", order=70)
        surfaces.api_router("gonghui.model_workers.api.router")
        surfaces.panel("model_workers", "劳模服务", "gonghui.model_workers.figures.panel", permission="cases.view_case",
                       url_name="model_workers_dash:figures", order=50)
        surfaces.daily("model_workers", "gonghui.model_workers.services.daily")
        register_kind("model_workers", "劳模名册", importers.ModelWorkerImporter, permission=PERM_MANAGE)
        for code, label, module in (("mw_allowance", "劳模荣誉津贴", "allowance"),
                                    ("mw_subsidy", "劳模医疗补助", "subsidy")):
            base = f"gonghui.model_workers.payments.{module}_"
            payment_sources.register(payment_sources.Source(
                code=code, label=label, purpose=label, order=40, rows=base + "rows", line=base + "line",
                settle=base + "settle", shown=base + "shown", total="gonghui.model_workers.payments.total"))
        navigation.register("m", "model_worker", "劳模服务", "model_workers_m:mine", icon="★", order=60, tab=False,
                            description="劳模查看荣誉津贴、申请医疗补助、了解体检安排")
        navigation.register("desk", "model_workers", "劳模服务", "model_workers:register", order=26,
                            permission=PERM_MANAGE)
