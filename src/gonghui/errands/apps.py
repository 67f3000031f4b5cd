"""Errands the service centres run for workers (代办服务), declared as pure data on the case engine.

The two errands are the proof that a simple service item needs no code of its own: fields, materials,
time limit and guide below are all there is. The texts are the federation's to edit in the admin. The
request to delete one's account is declared here too; its one hook (the erasure when it is fulfilled) is
in handler.py.
"""

from django.apps import AppConfig

MATERIAL_ID_CARD = {"key": "id_card", "name": "申请人身份证（正反面）", "required": True,
                    "formats": "JPG、PNG、HEIC 照片或 PDF", "note": "正反两面拍在一张或分两张上传，四角完整、字迹清晰"}

TICKET_HOME = {
    "code": "ticket_home",
    "prefix": "HXCP",
    "name": "返乡火车票代购",
    "module": "errands",
    "category": "生活服务",
    "time_limit_days": 5,
    "order": 10,
    "summary": "春节前为外来务工职工集中代购返乡火车票",
    "guide_who": "在本市企业工作、已加入工会的外来务工职工，每人每年限申请一次，可为同行家属一并申请（最多5人）。",
    "guide_what": "镇（街道）职工服务中心统一向铁路部门预订返乡火车票，车票费用由职工自理，工会承担代购服务费用。",
    "guide_how": "1. 在线填写乘车信息并上传身份证照片；\n2. 服务中心受理后统一预订；\n3. 购票成功后短信通知，"
                 "凭身份证到车站取票或直接刷证进站。承诺5个工作日内办结。",
    "materials": [
        MATERIAL_ID_CARD,
        {"key": "employment", "name": "在职证明或劳动合同首页", "required": True,
         "formats": "JPG、PNG、HEIC 照片或 PDF", "note": "加盖企业公章"},
        {"key": "family_ids", "name": "同行家属身份证", "required": False,
         "formats": "JPG、PNG、HEIC 照片或 PDF", "note": "为家属一并购票时上传"},
    ],
    "fields": [
        {"key": "from_station", "label": "出发站", "type": "text", "required": True, "max_length": 20,
         "help": "如：晋江站、泉州站"},
        {"key": "to_station", "label": "到达站", "type": "text", "required": True, "max_length": 20},
        {"key": "travel_date", "label": "乘车日期", "type": "date", "required": True, "future": True},
        {"key": "seat", "label": "席别", "type": "choice", "required": True,
         "choices": ["硬座", "二等座", "硬卧", "无座"]},
        {"key": "passengers", "label": "乘车人数", "type": "number", "required": True, "min": 1, "max": 5,
         "count_of": ["passenger_names", "passenger_ids"]},
        {"key": "passenger_names", "label": "乘车人姓名", "type": "name", "multiple": True, "max_items": 5,
         "required": True, "help": "多人用顿号分隔，本人排第一"},
        {"key": "passenger_ids", "label": "乘车人身份证号", "type": "id_number", "required": True,
         "multiple": True, "max_items": 5, "help": "每行一个，顺序与姓名一致"},
        {"key": "contact_phone", "label": "联系电话", "type": "phone", "required": True},
    ],
    # the standard workflow starts both at submission and stops the first at acceptance
    "clocks": [
        {"key": "accept", "label": "受理时限", "days": 2},
        {"key": "finish", "label": "承诺办结时限", "days": 5},
    ],
    "version": 4,
    "limit": {"count": 1, "period": "year"},  # the guide: 每人每年限申请一次
    "templates": {
        "fulfilled": "您申请代购的返乡火车票（{number}）已购票成功。{result}请凭身份证乘车，祝您旅途平安、新春快乐！",
    },
    # what the clerk records when the ticket is bought (办结): the worker is told it
    "step_fields": {"fulfil": [
        {"key": "train", "label": "车次", "type": "text", "max_length": 10},
        {"key": "ticket_date", "label": "乘车日期", "type": "date"},
        {"key": "seats", "label": "座位", "type": "text", "max_length": 60},
        {"key": "pickup", "label": "取票方式或地点", "type": "text", "max_length": 60},
    ]},
}

DRIVING_EXAM = {
    "code": "driving_exam",
    "prefix": "JKBM",
    "name": "驾驶证考试进企业报名",
    "module": "errands",
    "category": "技能培训",
    "time_limit_days": 10,
    "order": 20,
    "summary": "摩托车驾驶证考试进企业，在厂区报名、培训和考试",
    "guide_who": "本市企业在职职工，年满18周岁，身体条件符合机动车驾驶人要求，无禁止申领驾驶证的情形。",
    "guide_what": "工会联合交警部门把摩托车驾驶证（D/E照）的培训和考试送进企业，职工免去往返奔波；"
                  "考试费用按交警部门标准缴纳。",
    "guide_how": "1. 在线报名并上传身份证、体检证明；\n2. 服务中心审核后编入考试批次；\n"
                 "3. 按通知时间在企业参加培训和考试。"
                 "承诺10个工作日内告知考试安排。",
    "materials": [
        MATERIAL_ID_CARD,
        {"key": "health", "name": "机动车驾驶人身体条件证明", "required": True,
         "formats": "JPG、PNG、HEIC 照片或 PDF", "note": "县级以上医院或交警认可的体检机构出具"},
        {"key": "photo", "name": "一寸白底证件照", "required": True, "formats": "JPG、PNG、HEIC 照片",
         "note": "近6个月免冠正面照"},
    ],
    "fields": [
        {"key": "licence_class", "label": "准驾车型", "type": "choice", "required": True,
         "choices": ["D（普通三轮摩托车）", "E（普通二轮摩托车）"]},
        {"key": "enterprise", "label": "所在企业", "type": "text", "required": True, "max_length": 60,
         "prefill": "enterprise"},
        {"key": "mobile", "label": "手机号", "type": "phone", "required": True},
        {"key": "preferred_date", "label": "希望考试日期", "type": "date", "required": False, "future": True},
        {"key": "remark", "label": "备注", "type": "textarea", "required": False, "max_length": 200},
    ],
    "version": 2,
}


# A worker's request to delete their account (个人信息保护法 第四十七条): handled as a case, so that it has a
# number, a time limit and a record; the erasure itself is done when it is fulfilled (handler.py).
ACCOUNT_ERASURE = {
    "code": "account_erasure",
    "prefix": "ZXZH",
    "name": "注销个人账号",
    "module": "errands",
    "category": "其他",
    "time_limit_days": 15,
    "order": 200,
    "on_behalf": False,
    "summary": "注销本人在职工服务平台的账号，删除登录信息、实名绑定和授权记录",
    "guide_who": "已在本平台注册的职工本人。",
    "guide_what": "注销后，您的登录账号、实名绑定（姓名、身份证号）、各项授权和站内消息将被删除，不能再登录。"
                  "工会的会员档案和已办理事项的记录（如补助发放、法律援助、信访记录）依法须保存的，继续保存。",
    "guide_how": "1. 提交申请并说明原因（选填）；\n2. 服务中心核实后办理，15个工作日内办结；\n"
                 "3. 办结时账号即被注销，短信告知。",
    "fields": [
        {"key": "reason", "label": "注销原因（选填）", "type": "textarea", "required": False, "max_length": 200},
        {"key": "confirm", "label": "确认", "type": "choice", "required": True,
         "choices": ["我已知晓注销后不能再登录，本人申请注销"]},
    ],
    "templates": {"fulfilled": "您申请的“{item}”（{number}）已办结，账号已注销。"},
}


class ErrandsConfig(AppConfig):
    name = "gonghui.errands"
    label = "errands"
    verbose_name = "代办服务"

    def ready(self):
        from gonghui.cases.catalogue import Item
        from gonghui.cases.registry import registry

        for spec in (TICKET_HOME, DRIVING_EXAM, ACCOUNT_ERASURE):
            registry.declare(Item(**spec))
        from .handler import AccountErasureHandler

        registry.attach(ACCOUNT_ERASURE["code"], AccountErasureHandler())
