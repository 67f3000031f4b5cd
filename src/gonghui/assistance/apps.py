"""Needy workers (困难帮扶): the hardship file, assistance, Golden Autumn student aid and festival visits.
Registers its items, workflows and handlers on the case engine, its pages on /desk/, /m/ and /dash/, its
payment source, its panel and its daily job (review reminders and lapses)."""

from django.apps import AppConfig

BANK_FIELDS = [
    {"key": "bank_name", "label": "开户行", "type": "text", "required": True, "max_length": 60},
    {"key": "bank_card", "label": "银行卡号", "type": "bank_card", "required": True},
]

FILE_ITEM = {
    "code": "hardship_file",
    "prefix": "KNDA",
    "name": "困难职工建档",
    "module": "assistance",
    "category": "困难帮扶",
    "time_limit_days": 20,
    "order": 30,
    "handling_level": "town",
    "summary": "家庭人均收入低于当地低保标准2倍，或因病、因灾、因意外致困的职工，申请纳入困难职工档案",
    "guide_who": "本市职工（会员）家庭：家庭人均月收入低于当地低保标准的为深度困难，低于2倍的为相对困难；"
                 "因意外事故、自然灾害，或医疗、教育等刚性支出超过家庭收入80%的为意外致困。"
                 "外来务工职工须在本市实际就业满一年。（认定标准为示例，以当年规定为准）",
    "guide_what": "建档后可申请生活救助、医疗救助、助学救助、意外致困救助和金秋助学，春节前列入送温暖慰问。",
    "guide_how": "1. 填写家庭情况，逐一添加共同生活的家庭成员及其收入；\n"
                 "2. 上传身份证、户口簿、收入证明和致困证明；\n"
                 "3. 镇街职工服务中心受理后入户核查；\n"
                 "4. 在企业和服务中心公示5个工作日，无异议的审批建档；\n"
                 "5. 档案每年复核一次，未按时复核的失效；家庭脱困的出档。",
    "materials": [
        {"key": "id_card", "name": "身份证（正反面）", "required": True},
        {"key": "hukou", "name": "户口簿", "required": True},
        {"key": "income_proof", "name": "家庭成员收入证明", "required": True, "note": "工资条、单位证明或无收入声明"},
        {"key": "hardship_proof", "name": "致困证明", "required": False,
         "note": "病历和医疗费用票据、残疾证、学费凭证、事故或灾害证明等"},
        {"key": "visit_photos", "name": "入户核查照片", "required": False, "by": "staff",
         "note": "工作人员入户核查时拍摄"},
    ],
    "fields": [
        {"key": "cause", "label": "致困原因", "type": "choice", "required": True,
         "choices": ["本人或家人患重病", "残疾", "子女就学", "意外事故", "自然灾害", "失业或企业困难", "其他"]},
        {"key": "medical_costs", "label": "家庭年医疗自付支出（元）", "type": "money", "required": False},
        {"key": "education_costs", "label": "子女年教育支出（元）", "type": "money", "required": False},
        {"key": "situation", "label": "家庭困难情况", "type": "textarea", "required": True, "max_length": 1000},
        {"key": "employed_since", "label": "在本市就业起始日期", "type": "date", "required": False,
         "help": "外来务工职工填写"},
        {"key": "phone", "label": "联系电话", "type": "phone", "required": True, "prefill": "phone"},
    ],
    "workflow": "hardship_file",
}

AID_ITEM = {
    "code": "hardship_aid",
    "prefix": "KNJZ",
    "name": "困难职工救助",
    "module": "assistance",
    "category": "困难帮扶",
    "time_limit_days": 15,
    "order": 31,
    "handling_level": "town",
    "summary": "已建档困难职工家庭申请生活、医疗、助学和意外致困救助",
    "guide_who": "已纳入困难职工档案的职工家庭。相对困难家庭每年只享受一种救助。",
    "guide_what": "生活救助：每年不超过12个月（深度困难）或8个月（相对困难）当地低保标准；医疗救助：医保报销后的"
                  "自付费用，深度困难每年不超过20,000元，相对困难按80%、不超过16,000元；助学救助：大学10个月、"
                  "高中6个月低保标准。同一张发票不能在医疗互助和医疗救助重复报销；已获金秋助学的学生当年不再享受助学救助。"
                  "（标准为示例，以当年规定为准）",
    "guide_how": "1. 选择救助类别，说明情况；医疗救助逐张填写发票；助学救助填写学生信息；\n"
                 "2. 上传相关材料；\n3. 镇街职工服务中心审核，核准后救助金转入您的银行卡。",
    "materials": [
        {"key": "proof", "name": "相关证明材料", "required": True,
         "note": "医疗费用发票和医保结算单、录取通知书或学生证、事故证明等"},
        {"key": "bank_card", "name": "本人银行卡", "required": False},
    ],
    "fields": [
        {"key": "kind", "label": "救助类别", "type": "choice", "required": True,
         "choices": ["生活救助", "医疗救助", "助学（大学、大专）", "助学（高中、中职）", "意外致困救助"]},
        {"key": "amount", "label": "申请金额（元）", "type": "money", "required": False,
         "help": "医疗救助按发票自付金额计算，可不填"},
        {"key": "student_id", "label": "学生身份证号", "type": "id_number", "required": False,
         "help": "助学救助填写，须为档案中的家庭成员"},
        {"key": "reason", "label": "申请理由", "type": "textarea", "required": True, "max_length": 1000},
        *BANK_FIELDS,
        {"key": "phone", "label": "联系电话", "type": "phone", "required": True, "prefill": "phone"},
    ],
    "workflow": "hardship_aid",
}

AUTUMN_ITEM = {
    "code": "golden_autumn",
    "prefix": "JQZX",
    "name": "金秋助学",
    "module": "assistance",
    "category": "困难帮扶",
    "time_limit_days": 20,
    "order": 32,
    "handling_level": "town",
    "summary": "困难职工子女考入大学、大专、高中和中职，入学时一次性资助",
    "guide_who": "已纳入困难职工档案的职工的子女（当年活动允许的，收入低于相对困难标准的其他职工子女也可申请）。"
                 "军事院校、免费师范生、定向委培生，以及已获其他单位资助的学生不在资助范围。",
    "guide_what": "按录取层次一次性资助（示例：泉州2012年标准，本科一年级3,000元、其他年级2,000元，大专、"
                  "中职和高中1,000元）。经公示无异议后发放。",
    "guide_how": "1. 在活动期间填写学生信息，上传录取通知书和学生证；\n2. 镇街职工服务中心审核；\n"
                 "3. 公示5个工作日，无异议的核准资助；\n4. 助学金转入申请人的银行卡。",
    "materials": [
        {"key": "admission_letter", "name": "录取通知书", "required": True},
        {"key": "student_card", "name": "学生证或学生身份证", "required": True},
    ],
    "fields": [
        {"key": "student_name", "label": "学生姓名", "type": "name", "required": True},
        {"key": "student_id", "label": "学生身份证号", "type": "id_number", "required": True},
        {"key": "school", "label": "录取学校", "type": "text", "required": True, "max_length": 60},
        {"key": "tier", "label": "录取层次", "type": "choice", "required": True, "choices": ["（活动档次）"]},
        {"key": "excluded", "label": "是否属于以下情形", "type": "choice", "required": True,
         "choices": ["以上情形均不是", "军事院校", "免费师范生", "定向委培生"]},
        {"key": "other_funding", "label": "是否已获其他单位资助", "type": "choice", "required": True,
         "choices": ["否", "是"]},
        {"key": "household_income", "label": "家庭人均月收入（元）", "type": "money", "required": False,
         "help": "未建困难职工档案的职工填写"},
        *BANK_FIELDS,
        {"key": "phone", "label": "联系电话", "type": "phone", "required": True, "prefill": "phone"},
    ],
    "workflow": "golden_autumn",
}


def medical_case(case) -> bool:
    """An aid application of the medical kind: the only one that carries invoices."""
    return case.form.get("kind") == "医疗救助"


class AssistanceConfig(AppConfig):
    name = "gonghui.assistance"
    label = "assistance"
    verbose_name = "困难帮扶"

    def ready(self):
        from gonghui.aid import services as aid
        from gonghui.cases.catalogue import Item
        from gonghui.cases.registry import registry
        from gonghui.core import navigation, surfaces
        from gonghui.payments import sources as payment_sources

        from .handler import AID_WORKFLOW, AUTUMN_WORKFLOW, FILE_WORKFLOW, AidHandler, AutumnHandler, FileHandler

        for workflow, item, handler in ((FILE_WORKFLOW, FILE_ITEM, FileHandler()),
                                        (AID_WORKFLOW, AID_ITEM, AidHandler()),
                                        (AUTUMN_WORKFLOW, AUTUMN_ITEM, AutumnHandler())):
            registry.workflow(workflow)
            registry.declare(Item(**item))
            registry.attach(item["code"], handler)
        aid.medical_item(AID_ITEM["code"], "困难职工医疗救助", wants=medical_case)
        surfaces.pages("desk", "assistance/", "gonghui.assistance.urls", order=60)
        surfaces.pages("m", "assistance/", "gonghui.assistance.m_urls", order=60)
        surfaces.pages("dash", "assistance/", "gonghui.assistance.dash_urls", order=60)
        surfaces.api_router("gonghui.assistance.api.router")
        surfaces.panel("assistance", "困难帮扶", "gonghui.assistance.figures.panel", permission="cases.view_case",
                       url_name="assistance_dash:figures", order=40)
        surfaces.daily("assistance", "gonghui.assistance.services.daily")
        payment_sources.register(payment_sources.Source(
            code="assistance", label="困难帮扶救助金", purpose="困难帮扶救助金", order=30,
            rows="gonghui.assistance.payments.payable_rows", line="gonghui.assistance.payments.line_for",
            settle="gonghui.assistance.payments.settle", shown="gonghui.assistance.payments.shown",
            total="gonghui.assistance.payments.total", tag="gonghui.assistance.payments.tag_of",
            tags="gonghui.assistance.payments.tags", tag_label="项目"))
        # one entry: the module's pages (files, notices, Golden Autumn, festival visits) are tabs of one another
        navigation.register("desk", "assistance", "困难帮扶", "assistance:files", order=24,
                            permission="cases.view_case")
