"""Medical mutual aid: registers its claim item and its hooks on the case engine, its pages and its
section of the worker archive."""

from django.apps import AppConfig

FIXED_CONDITIONS = ["八种女性特殊癌症之一", "子宫和卵巢同时切除", "子宫或卵巢切除", "子宫肌瘤剔除"]

CLAIM_ITEM = {
    "code": "mutual_aid_claim",
    "prefix": "YLHZ",
    "name": "医疗互助补助申请",
    "module": "mutual_aid",
    "category": "医疗互助",
    "time_limit_days": 20,
    "order": 5,
    "summary": "参加职工医疗互助的会员住院或患特殊疾病后申请补助金",
    "guide_who": "参加本年度职工医疗互助活动、已过等待期的工会会员；住院结算后在报销截止日前申请。",
    "guide_what": "住院医疗互助：按医保范围内住院费用的一定比例给予补助，年度累计封顶；女职工特殊疾病互助："
                  "确诊所列病种后给予定额补助。具体比例和金额以总工会当年公布的办法为准。",
    "guide_how": "1. 在线填写住院信息和发票，拍照上传材料（或到镇街服务中心代办点扫描）；\n"
                 "2. 服务中心受理，打印报销受理单，原件随后送达；\n"
                 "3. 审核核准后，财务通过网银发放补助金到您的银行卡，短信通知。"
                 "承诺20个工作日内办结。",
    "materials": [
        {"key": "invoices", "name": "住院发票原件", "required": True, "formats": "JPG、PNG、HEIC 照片或 PDF",
         "note": "每张发票拍清楚发票号码和金额"},
        {"key": "settlement", "name": "医保结算单", "required": True, "formats": "JPG、PNG、HEIC 照片或 PDF"},
        {"key": "discharge", "name": "出院小结", "required": True, "formats": "JPG、PNG、HEIC 照片或 PDF"},
        {"key": "id_card", "name": "身份证（正反面）", "required": True, "formats": "JPG、PNG、HEIC 照片或 PDF"},
        {"key": "bank_card", "name": "本人银行卡", "required": True, "formats": "JPG、PNG、HEIC 照片",
         "note": "卡号清晰可见"},
        {"key": "pathology", "name": "病理报告", "required": False, "formats": "JPG、PNG、HEIC 照片或 PDF",
         "note": "申请女职工特殊疾病补助时提供"},
    ],
    # the product and condition choices are the shipped examples; the form offers each worker the products
    # and conditions of the plan years' data (handler.ClaimHandler.form_fields)
    "fields": [
        {"key": "product", "label": "互助项目", "type": "choice", "required": True,
         "choices": ["住院医疗互助", "女职工特殊疾病互助"]},
        {"key": "hospital", "label": "就诊医院", "type": "text", "required": True, "max_length": 60},
        {"key": "admitted_on", "label": "入院日期", "type": "date", "required": True},
        {"key": "discharged_on", "label": "出院日期", "type": "date", "required": True},
        {"key": "diagnosis", "label": "诊断", "type": "text", "required": True, "max_length": 60},
        {"key": "condition", "label": "特殊疾病病种", "type": "choice", "required": False,
         "choices": FIXED_CONDITIONS, "help": "仅申请女职工特殊疾病互助时选择"},
        {"key": "bank_name", "label": "开户行", "type": "text", "required": True, "max_length": 60},
        {"key": "bank_card", "label": "银行卡号", "type": "bank_card", "required": True},
    ],
    "templates": {
        "fulfilled": "您申请的医疗互助补助（{number}）已通过网银发放到您的银行卡，请注意查收。",
    },
    "workflow": "mutual_aid_claim",
}


class MutualAidConfig(AppConfig):
    name = "gonghui.mutual_aid"
    label = "mutual_aid"
    verbose_name = "医疗互助"

    def ready(self):
        from gonghui.cases.catalogue import Item
        from gonghui.cases.registry import registry
        from gonghui.core import navigation, surfaces
        from gonghui.payments import sources as payment_sources
        from gonghui.registry import archive
        from gonghui.registry.importing import register_kind

        from . import importers, services, views
        from .handler import CLAIM_WORKFLOW, ClaimHandler

        registry.workflow(CLAIM_WORKFLOW)
        registry.declare(Item(**CLAIM_ITEM))
        registry.attach(CLAIM_ITEM["code"], ClaimHandler())
        surfaces.pages("desk", "mutual-aid/", "gonghui.mutual_aid.urls", order=40)
        surfaces.pages("m", "mutual-aid/", "gonghui.mutual_aid.m_urls", order=40)
        surfaces.pages("dash", "mutual-aid/", "gonghui.mutual_aid.dash_urls", order=40)
        surfaces.api_router("gonghui.mutual_aid.api.router")
        surfaces.panel("mutual_aid", "医疗互助", "gonghui.mutual_aid.figures.panel", permission="cases.view_case",
                       url_name="mutual_aid_dash:figures", order=20)
        navigation.register("desk", "mutual_aid", "医疗互助", "mutual_aid:overview", order=20,
                            permission="cases.view_case")
        navigation.register("m", "coverage", "医疗互助", "mutual_aid_m:coverage", icon="✚", order=19, tab=False,
                            description="查看本人参保和保障起始日，申请住院补助")
        archive.register("mutual_aid", "医疗互助参保", views.archive_entries, order=6)
        payment_sources.register(payment_sources.Source(
            code="mutual_aid", label="医疗互助补助金", purpose="医疗互助补助金", order=10,
            rows="gonghui.mutual_aid.services.payments.payable_rows",
            line="gonghui.mutual_aid.services.payments.line_for",
            settle="gonghui.mutual_aid.services.payments.settle",
            shown="gonghui.mutual_aid.services.payments.shown", total="gonghui.mutual_aid.services.payments.total",
            tag="gonghui.mutual_aid.services.payments.tag_of", tags="gonghui.mutual_aid.services.payments.tags",
            tag_label="活动年度"))
        register_kind("ma_roster", "医疗互助花名册", importers.RosterImporter, permission=services.PERM_ENROL)
        register_kind("ma_history_enrolments", "医疗互助历史参保", importers.HistoryEnrolmentImporter,
                      permission=services.PERM_ADMIN)
        register_kind("ma_history_claims", "医疗互助历史报销", importers.HistoryClaimImporter,
                      permission=services.PERM_ADMIN)
