"""Demo petitions and hotline orders of the last four months: every channel and state, a group visit, a
transferred case, an accusation against a town's staff, a review and a re-review, an overdue case under
supervision, hotline orders and calls answered on the spot. Built through the real services, each on the
day it happened (``_on``: the clock the services read is set to that day), so every clock, notice,
timeline and audit row is what the platform itself would have written. Deterministic, idempotent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from gonghui.cases import clocks
from gonghui.cases import services as cases
from gonghui.cases.models import ServiceItem
from gonghui.core.demo import at
from gonghui.orgs.models import Org
from gonghui.registry.models import BindingStatus, Worker, WorkerAccount

from . import services
from .models import HotlineCall, Petition

_on = at


def _people(org: Org, n: int) -> list[Worker]:
    return list(Worker.objects.filter(org__path__startswith=org.path).order_by("pk")[:n])


def build_petitions(today: dt.date | None = None) -> dict[str, int]:
    if Petition.objects.exists():
        return {"petitions": 0, "orders": 0, "calls": 0}
    today = today or timezone.localdate()
    staff = {u.username: u for u in get_user_model().objects.filter(
        username__in=["city_staff", "qingyang_staff", "meiling_staff"])}
    qingyang, meiling = (Org.objects.get(code=c) for c in ("qingyang", "meiling"))
    q, m = _people(qingyang, 12), _people(meiling, 6)
    if len(q) < 12 or len(m) < 6 or len(staff) < 3:
        return {"petitions": 0, "orders": 0, "calls": 0}

    def day(back: int) -> dt.date:
        return today - dt.timedelta(days=back)

    def register(who, worker, back, form, **extra):
        with _on(day(back)):
            return services.register(actor=staff[who], item_code=extra.pop("item", "petition"),
                                     channel=extra.pop("channel", "visit"), id_number=worker.id_number_clear(),
                                     form=form, **extra)

    def step(who, case, back, name, **kwargs):
        with _on(day(back), 15):
            return cases.transition(actor=staff[who], case=case, name=name, **kwargs)

    def answer(who, case, back, name, text):
        with _on(day(back), 16):
            return services.answer(actor=staff[who], case=case, step=name, text=text)

    wages = {"kind": "工资报酬", "subject": "晋江市鸿达鞋材有限公司",
             "facts": "公司自8月起拖欠工资三个月，多次讨要未果。", "request": "请工会协调企业尽快支付拖欠的工资。"}
    made = 0
    # replied at the first level (a visit to 青阳)
    case = register("qingyang_staff", q[0], 110, wages)
    step("qingyang_staff", case, 106, "accept")
    answer("qingyang_staff", case, 70, "reply", "经核实，企业确有拖欠工资情况。经协调，企业已于本月补发全部拖欠工资。")
    made += 1
    # a review and a re-review, ending the matter
    case = register("qingyang_staff", q[1], 120, {**wages, "kind": "劳动权益", "facts": "企业未经协商调岗降薪。",
                                                  "subject": "晋江市顺发服装织造有限公司", "request": "恢复原岗位"})
    step("qingyang_staff", case, 118, "accept")
    answer("qingyang_staff", case, 90, "reply", "经调查，调岗属生产经营需要，已建议企业与你协商一致后执行。")
    step("qingyang_staff", case, 80, "request_review")
    answer("city_staff", case, 60, "answer_review", "经复查，原答复意见认定事实清楚，维持原答复意见。")
    step("city_staff", case, 50, "request_rereview")
    answer("city_staff", case, 30, "answer_rereview", "经复核，维持复查意见。本复核意见为终结意见。")
    made += 1
    # a group visit, accepted and extended once with the reason told
    case = register("meiling_staff", m[0], 75, {**wages, "subject": "福建晋江恒信包装有限公司",
                                                "facts": "企业停产，32名职工被拖欠两个月工资。"},
                    people=32, representatives=[w.name for w in m[:3]])
    step("meiling_staff", case, 73, "accept")
    with _on(day(20)):
        cases.extend_deadline(actor=staff["city_staff"], case=case, clock_key="handle", days=30,
                              reason="企业进入破产清算程序，需等待管理人核实工资债权")
    made += 1
    # a letter waiting for the notice whether it is accepted
    register("meiling_staff", m[1], 5, {**wages, "kind": "社会保险", "facts": "企业未给职工缴纳社会保险。",
                                        "request": "补缴社会保险"}, channel="letter")
    made += 1
    # transferred from the city to the competent town
    case = register("city_staff", q[2], 12, {**wages, "facts": "青阳某企业拖欠加班费。"})
    with _on(day(11)):
        services.transfer(actor=staff["city_staff"], case=case, org=qingyang, note="属地管辖，由青阳街道总工会办理")
    made += 1
    # an accusation against 梅岭's staff, handled by the city
    case = register("city_staff", m[2], 25, {"kind": "检举控告工会工作人员", "subject": "梅岭街道总工会工作人员",
                                              "facts": "发放困难职工慰问金时优亲厚友。", "request": "调查处理"},
                    accused_org=meiling, accused_person="梅岭街道总工会某工作人员")
    step("city_staff", case, 23, "accept")
    made += 1
    # overdue: registered at 梅岭 40 days ago and never told; the city supervises
    case = register("meiling_staff", m[3], 40, {**wages, "kind": "工会事务", "facts": "企业工会未按规定召开会员大会。",
                                                "request": "督促企业工会依法换届", "subject": "某企业工会"})
    with _on(day(3)):
        services.supervise(actor=staff["city_staff"], case=case, text="该事项已超过15日告知期限，请立即办理并回复")
    made += 1
    # referred to the labour inspectorate
    case = register("qingyang_staff", q[3], 15, {**wages, "facts": "企业未签订劳动合同且拒不支付工资。"})
    with _on(day(14)):
        services.refer(actor=staff["qingyang_staff"], case=case, authority="晋江市人社局劳动保障监察大队")
    made += 1
    # under review now: replied by 青阳, the petitioner asked the city for a review
    case = register("qingyang_staff", q[8], 50, {**wages, "kind": "社会保险", "facts": "企业少缴社会保险费。",
                                                  "request": "按实际工资补缴"})
    step("qingyang_staff", case, 48, "accept")
    answer("qingyang_staff", case, 20, "reply", "经核实，企业已按社保部门核定的基数补缴，差额部分已退还职工。")
    step("qingyang_staff", case, 5, "request_review")
    made += 1
    # not accepted: outside the union's remit
    case = register("qingyang_staff", q[9], 9, {"kind": "其他", "subject": "邻居", "facts": "邻居装修噪音扰民。",
                                                "request": "请工会出面制止"})
    step("qingyang_staff", case, 8, "not_accept",
         reason="反映的事项不属于工会职责范围，请向所在社区人民调解委员会反映")
    made += 1
    # withdrawn by the petitioner, whose wages were paid meanwhile
    case = register("qingyang_staff", q[10], 18, {**wages, "facts": "公司拖欠一个月工资。"})
    step("qingyang_staff", case, 16, "withdraw")
    made += 1
    # registered by another system (系统对接)
    register("city_staff", q[11], 1, {**wages, "kind": "劳动权益", "facts": "企业要求职工签订放弃社保承诺书。",
                                      "request": "依法参保"}, channel="api")
    made += 1
    # a worker's own petition from the phone, if a worker of 青阳 has bound an account
    account = (WorkerAccount.objects.filter(status=BindingStatus.BOUND, worker__org__path__startswith=qingyang.path)
               .select_related("user", "worker").first())
    if account is not None:
        with _on(day(2)):
            cases.case_create(actor=account.user, item=ServiceItem.objects.get(code="petition"), submit=True, data={
                "kind": "意见建议", "subject": "青阳街道职工服务中心", "facts": "建议延长周末服务时间。",
                "request": "周六上午开放", "delivery": "网上查阅（短信提醒）"})
        made += 1
    orders = 0
    hotline = {"kind": "工资报酬", "facts": "来电反映企业拖欠工资。", "request": "协调支付"}
    case = register("city_staff", q[4], 30, {**hotline, "difficulty": "一般"}, item="hotline", caller_phone=q[4].phone,
                    recording_ref="12351-REC-0001")
    with _on(day(30), 14):
        services.dispatch(actor=staff["city_staff"], case=case, org=qingyang)
    step("qingyang_staff", case, 28, "answer", data={"answer": "已约谈企业负责人，企业承诺本周内发放。"})
    with _on(day(27)):
        services.call_back(actor=staff["city_staff"], case=case, satisfaction="满意", note="工资已收到")
    orders += 1
    case = register("city_staff", m[4], 2, {**hotline, "difficulty": "疑难", "facts": "来电反映工伤后企业不予赔偿。"},
                    item="hotline", caller_phone=m[4].phone, recording_ref="12351-REC-0002")
    with _on(day(2), 14):
        services.dispatch(actor=staff["city_staff"], case=case, org=meiling)
    orders += 1
    case = register("city_staff", q[5], 3, {**hotline, "difficulty": "一般", "facts": "咨询劳动合同到期不续签的补偿。"},
                    item="hotline", caller_phone=q[5].phone)
    step("city_staff", case, 1, "answer", data={"answer": "已告知可依法获得经济补偿，并提供法律咨询渠道。"})
    orders += 1
    calls = ((1, "13905951234", "咨询医疗互助报销需要哪些材料", "已告知材料清单，可在手机上申请"),
             (0, "13805957788", "咨询金秋助学申请时间", "每年7至9月，届时关注通知"))
    for back, phone, topic, reply in calls:
        with _on(day(back), 9):
            services.call_log(actor=staff["city_staff"], caller_phone=phone, kind="other", topic=topic, answer=reply)
    clocks.sweep(today)
    return {"petitions": made, "orders": orders, "calls": HotlineCall.objects.count()}
