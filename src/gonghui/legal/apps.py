"""Legal services (法律服务): legal consultation answered by the partner firm's lawyers; legal aid with
partner lawyers — the application, the means test, the statutory clocks, the lawyer's assignment, stages
and conclusion, the lawyers' rewards. Registers its item, its
workflow and its hooks on the case engine and its pages on /desk/."""

from django.apps import AppConfig

from .claims import CLAIM_TYPES

AID_ITEM = {
    "code": "legal_aid",
    "prefix": "FLYZ",
    "name": "法律援助申请",
    "module": "legal",
    "category": "法律服务",
    "time_limit_days": 7,
    "order": 20,
    "handling_level": "city",
    "summary": "追索工资、工伤赔偿、劳动合同和社会保险纠纷，由工会指派律师免费代理",
    "guide_who": "经济困难的职工；农民工追索劳动报酬或请求工伤赔偿的，不审查经济困难条件（《法律援助法》第四十二条）。",
    "guide_what": "工会法律援助律师为您免费提供协商、调解、劳动仲裁、诉讼和申请执行的代理。"
                  "同一用人单位的多名职工可作为集体案件一并申请。",
    "guide_how": "1. 在线填写案情并上传身份证、劳动关系证明和证据材料；\n"
                 "2. 工会自收到完整申请之日起7日内作出是否给予援助的决定，材料不齐的一次性告知需要补充的全部材料；\n"
                 "3. 决定给予援助的，3日内指派律师，律师会与您联系；\n"
                 "4. 不予援助的，书面告知理由。",
    "materials": [
        {"key": "id_card", "name": "身份证（正反面）", "required": True},
        {"key": "labour_proof", "name": "劳动关系证明", "required": True,
         "note": "劳动合同、工资条、工牌、考勤记录或工友证言等"},
        {"key": "evidence", "name": "证据材料", "required": False, "note": "欠薪条、工伤认定书、聊天记录截图等"},
        {"key": "income_proof", "name": "经济困难证明或收入情况说明", "required": False,
         "note": "农民工追索劳动报酬或工伤赔偿的无需提供"},
        {"key": "lawyer_docs", "name": "办案文书", "required": False, "by": "staff",
         "note": "律师上传：仲裁申请书、调解书、裁决书、判决书等"},
    ],
    "fields": [
        {"key": "claim_type", "label": "纠纷类型", "type": "choice", "required": True, "choices": CLAIM_TYPES},
        {"key": "opponent", "label": "对方当事人（用人单位）", "type": "text", "required": True, "max_length": 100,
         "prefill": "enterprise"},
        {"key": "amount", "label": "涉案金额（元）", "type": "money", "required": True},
        {"key": "facts", "label": "案情简述", "type": "textarea", "required": True, "max_length": 1000},
        {"key": "household_income", "label": "家庭人均月收入（元）", "type": "money", "required": False,
         "help": "农民工追索劳动报酬或工伤赔偿的可不填"},
        {"key": "phone", "label": "联系电话", "type": "phone", "required": True, "prefill": "phone"},
    ],
    "clocks": [
        {"key": "decide", "label": "审查决定时限", "days": 7, "unit": "calendar"},
        {"key": "assign", "label": "指派律师时限", "days": 3, "unit": "calendar"},
    ],
    "step_fields": {
        "conclude": [
            {"key": "outcome", "label": "结案方式", "type": "text", "required": True, "max_length": 20},
            {"key": "summary", "label": "结案说明", "type": "text", "required": False, "max_length": 300},
            {"key": "recovered", "label": "实际追回金额（元）", "type": "money", "required": True},
        ],
    },
    "templates": {
        "accepted": "您申请的“{item}”（{number}）已受理，工会将自收到完整申请之日起7日内作出是否给予法律援助的决定。",
    },
    "workflow": "legal_aid",
    "version": 2,  # 2: the lawyer's documents are staff's to add
}


CONSULT_ITEM = {
    "code": "legal_consult",
    "prefix": "FLZX",
    "name": "法律咨询",
    "module": "legal",
    "category": "法律服务",
    "time_limit_days": 2,
    "order": 19,
    "handling_level": "city",
    "summary": "工资、工伤、劳动合同等问题，工会法律服务中心的律师免费在线答复",
    "guide_who": "本市职工。",
    "guide_what": "工会法律服务中心的律师免费解答劳动用工方面的法律问题；需要代理维权的，可据此申请法律援助。",
    "guide_how": "1. 写下您的问题，可拍照上传劳动合同、工资条等；\n"
                 "2. 律师在2个工作日内答复，您会收到短信；\n"
                 "3. 没看明白可以继续追问；需要律师代理的，一键转为法律援助申请。\n"
                 "也可拨打12351职工热线，或到镇街职工服务中心的律师值班窗口当面咨询。",
    "materials": [
        {"key": "photos", "name": "相关照片", "required": False,
         "note": "劳动合同、工资条、欠条、聊天记录截图等"},
    ],
    "fields": [
        {"key": "topic", "label": "问题类型", "type": "choice", "required": True, "choices": [*CLAIM_TYPES]},
        {"key": "employer", "label": "用人单位", "type": "text", "required": False, "max_length": 100,
         "prefill": "enterprise"},
        {"key": "question", "label": "您的问题", "type": "textarea", "required": True, "max_length": 3000},
    ],
    "clocks": [{"key": "answer", "label": "答复时限", "days": 2}],
    "workflow": "legal_consult",
}


MEDIATION_ITEM = {
    "code": "mediation",
    "prefix": "LDTJ",
    "name": "劳动争议调解申请",
    "module": "legal",
    "category": "法律服务",
    "time_limit_days": 15,
    "order": 21,
    "handling_level": "city",
    "summary": "工资、工伤、解除劳动合同等争议，由工会与法院共建的联合调解中心在诉前免费调解",
    "guide_who": "与用人单位发生劳动争议的职工（用人单位也可申请，由工作人员代为录入）。",
    "guide_what": "市总工会与市人民法院共建的劳动争议诉前联合调解中心，按法院辖区分7个片区，由工会调解员免费调解。"
                  "达成协议的可共同申请法院司法确认，确认后具有强制执行力。",
    "guide_how": "1. 在线填写争议情况并上传材料；\n"
                 "2. 调解中心在3个工作日内决定是否受理，并征求对方当事人意见；不予受理或对方不同意调解的，书面告知；\n"
                 "3. 自受理之日起15日内调解结束，经双方同意可延长一次；\n"
                 "4. 达成协议的签署调解协议书，30日内可共同申请司法确认；调解不成的，出具告知书，可申请劳动仲裁。\n"
                 "涉及10人以上、请求相同的，请推选3至5名代表。",
    "materials": [
        {"key": "id_card", "name": "身份证（正反面）", "required": True},
        {"key": "evidence", "name": "证据材料", "required": False, "note": "劳动合同、工资条、欠条、考勤记录等"},
        {"key": "signed_agreement", "name": "签字的调解协议书", "required": False, "by": "staff",
         "note": "调解员上传双方签字后的协议书扫描件"},
    ],
    "fields": [
        {"key": "claim_type", "label": "争议类型", "type": "choice", "required": True, "choices": CLAIM_TYPES},
        {"key": "opponent", "label": "对方当事人（用人单位）", "type": "text", "required": True, "max_length": 100,
         "prefill": "enterprise"},
        {"key": "amount", "label": "请求金额（元）", "type": "money", "required": False},
        {"key": "facts", "label": "争议情况和请求", "type": "textarea", "required": True, "max_length": 2000},
        {"key": "workers", "label": "涉及职工人数", "type": "number", "required": True},
        {"key": "representatives", "label": "推选的代表", "type": "textarea", "required": False, "max_length": 200,
         "help": "涉及10人以上时填写推选的3至5名代表，每行一人"},
        {"key": "phone", "label": "联系电话", "type": "phone", "required": True, "prefill": "phone"},
    ],
    "clocks": [
        {"key": "accept", "label": "受理时限", "days": 3},
        {"key": "mediate", "label": "调解期限", "days": 15, "unit": "calendar"},
        {"key": "confirm", "label": "申请司法确认期限", "days": 30, "unit": "calendar"},
    ],
    "step_fields": {
        "agree": [{"key": "agreed_amount", "label": "协议金额（元）", "type": "money", "required": False}],
        "accept": [
            {"key": "origin", "label": "案件来源", "type": "choice", "required": True,
             "choices": ["职工申请", "用人单位申请", "法院委派", "法律咨询转入"]},
            {"key": "consent", "label": "对方当事人意见", "type": "choice", "required": True, "choices": ["同意调解"]},
        ],
        "apply_confirmation": [
            {"key": "court", "label": "受理法院", "type": "text", "required": True, "max_length": 60},
            {"key": "applied_on", "label": "申请日期", "type": "date", "required": True},
        ],
        "record_ruling": [
            {"key": "ruling", "label": "裁定结果", "type": "choice", "required": True,
             "choices": ["确认调解协议有效", "驳回申请"]},
            {"key": "ruling_number", "label": "裁定书文号", "type": "text", "required": True, "max_length": 60},
            {"key": "ruled_on", "label": "裁定日期", "type": "date", "required": True},
        ],
    },
    "workflow": "mediation",
    "version": 2,  # 2: the signed agreement is the mediator's to add
}


class LegalConfig(AppConfig):
    name = "gonghui.legal"
    label = "legal"
    verbose_name = "法律服务"

    def ready(self):
        from gonghui.cases.catalogue import Item
        from gonghui.cases.registry import registry
        from gonghui.core import navigation, surfaces
        from gonghui.payments import sources as payment_sources

        from .handler import (
            AID_WORKFLOW,
            CONSULT_WORKFLOW,
            MEDIATION_WORKFLOW,
            AidHandler,
            ConsultHandler,
            MediationHandler,
        )

        registry.workflow(AID_WORKFLOW)
        registry.declare(Item(**AID_ITEM))
        registry.attach(AID_ITEM["code"], AidHandler())
        registry.workflow(CONSULT_WORKFLOW)
        registry.declare(Item(**CONSULT_ITEM))
        registry.attach(CONSULT_ITEM["code"], ConsultHandler())
        registry.workflow(MEDIATION_WORKFLOW)
        registry.declare(Item(**MEDIATION_ITEM))
        registry.attach(MEDIATION_ITEM["code"], MediationHandler())
        surfaces.pages("desk", "legal/", "gonghui.legal.urls", order=50)
        surfaces.pages("m", "legal/", "gonghui.legal.m_urls", order=50)
        surfaces.pages("dash", "legal/", "gonghui.legal.dash_urls", order=50)
        surfaces.api_router("gonghui.legal.api.router")
        surfaces.panel("legal", "法律服务", "gonghui.legal.figures.panel", permission="cases.view_case",
                       url_name="legal_dash:figures", order=30)
        payment_sources.register(payment_sources.Source(
            code="legal_reward", label="法律援助律师补贴", purpose="法律援助律师补贴", order=20,
            rows="gonghui.legal.payments.payable_rows", line="gonghui.legal.payments.line_for",
            settle="gonghui.legal.payments.settle", shown="gonghui.legal.payments.shown",
            total="gonghui.legal.payments.total"))
        navigation.register("desk", "legal_duty", "律师值班", "legal:duty", order=29, permission="cases.handle_case")
        navigation.register("m", "legal_duty", "律师值班", "legal_m:duty", icon="⚖", order=45, tab=False,
                            description="近两周律师在哪个服务中心值班，免费法律咨询")
        navigation.register("desk", "legal_rewards", "律师补贴", "legal:rewards", order=30,
                            permission="cases.view_case", partners=True)
