"""Assistance on the case engine: three workflows and their handlers.

- ``hardship_file`` (建档申请): submitted with the household → accepted by the town → home visit recorded
  (``visit``, the module's form, with the visit photos) → put on a public notice (``publicise``, from the
  notice page) → approved once the notice has cleared (``approve``: the window closed, no objection open or
  upheld), which puts the household on file; or refused at any point with the reason.
- ``hardship_aid`` (救助申请): the standard steps; approval computes the amount from the year's caps and
  records the grant in the aid ledger (which refuses double aid); paid through the payment batches, which
  fulfil it.
- ``golden_autumn`` (金秋助学): reviewed, put on a public notice, approved after it clears (the ledger
  again), paid through the batches.
"""

from __future__ import annotations

from gonghui.cases.models import State
from gonghui.cases.registry import Handler
from gonghui.cases.states import PERM_DECIDE, STANDARD, Status, Transition

PERM_PAY = "payments.manage_payments"
VISITED = "visited"
NOTICED = "noticed"
ON_FILE = "on_file"

_NOTICED = Status(NOTICED, "公示中")
_PUBLICISE_MSG = ("公示", "您申请的“{item}”（{number}）已进入公示，公示期满无异议后审批。")

FILE_WORKFLOW = STANDARD.extend(
    "hardship_file",
    states=(
        Status(VISITED, "已入户核查"),
        _NOTICED,
        Status(ON_FILE, "已建档", closed=True, rateable=True),
    ),
    transitions=(
        Transition("visit", "入户核查", (State.ACCEPTED,), VISITED, module_form=True, title="入户核查",
                   style="success"),
        Transition("publicise", "公示", (VISITED,), NOTICED, module_form=True, title="公示", notify="publicised"),
        Transition("approve", "审批建档", (NOTICED,), ON_FILE, perm=PERM_DECIDE, title="审批通过，纳入困难职工档案",
                   notify="on_file", style="success", stamp="closed_at"),
        Transition("deny", "不予建档", (State.ACCEPTED, VISITED, NOTICED), State.DENIED, perm=PERM_DECIDE,
                   needs_reason=True, title="不予建档", notify="denied", style="outline-danger", stamp="closed_at"),
    ),
    remove=("review", "fulfil"),
    messages={
        "publicised": _PUBLICISE_MSG,
        "on_file": ("已纳入困难职工档案", "您的“{item}”（{number}）已审批通过，纳入困难职工档案，"
                                      "可申请困难救助和金秋助学。"
                                      "档案每年复核一次。"),
        "review_due": ("困难职工档案年度复核", "您的困难职工档案（{number}）应于{note}前复核，"
                                            "请准备家庭成员收入证明，镇街职工服务中心将与您联系入户复核。"),
        "staff_review_due": ("档案待复核", "{applicant}的困难职工档案（{number}）应于{note}前复核，请安排入户复核。"),
        "lapsed": ("困难职工档案已失效", "您的困难职工档案（{number}）未按期复核，已失效。"
                                     "如仍有困难，可重新申请建档。"),
    },
)

AID_WORKFLOW = STANDARD.extend(
    "hardship_aid",
    transitions=(
        # paid by the bank's result file (finance), not by a button
        Transition("fulfil", "确认已支付", (State.APPROVED,), State.FULFILLED, perm=PERM_PAY,
                   title="救助金已发放", notify="fulfilled", style="success", stamp="closed_at"),
    ),
    messages={
        "approved": ("审核通过", "您申请的“{item}”（{number}）已审核通过，救助金将转入您的银行卡，"
                                 "金额请在办件详情中查看。"),
        "payment_failed": ("支付失败，请更正银行卡",
                           "您申请的“{item}”（{number}）救助金支付失败：{reason}。请登录“我的办件”更正银行卡信息。"),
    },
)

AUTUMN_WORKFLOW = STANDARD.extend(
    "golden_autumn",
    states=(_NOTICED,),
    transitions=(
        Transition("publicise", "公示", (State.IN_REVIEW,), NOTICED, module_form=True, title="公示",
                   notify="publicised"),
        Transition("approve", "核准资助", (NOTICED,), State.APPROVED, perm=PERM_DECIDE, title="公示期满，核准资助",
                   notify="approved", style="success", stamp="decided_at"),
        Transition("deny", "不予资助", (State.ACCEPTED, State.IN_REVIEW, NOTICED), State.DENIED, perm=PERM_DECIDE,
                   needs_reason=True, title="不予资助", notify="denied", style="outline-danger", stamp="decided_at"),
        Transition("fulfil", "确认已支付", (State.APPROVED,), State.FULFILLED, perm=PERM_PAY,
                   title="助学金已发放", notify="fulfilled", style="success", stamp="closed_at"),
    ),
    messages={
        "publicised": _PUBLICISE_MSG,
        "approved": ("核准资助", "您申请的“{item}”（{number}）公示期满，已核准资助，助学金将转入您的银行卡，"
                                 "金额请在办件详情中查看。"),
        "payment_failed": ("支付失败，请更正银行卡",
                           "您申请的“{item}”（{number}）助学金支付失败：{reason}。请登录“我的办件”更正银行卡信息。"),
    },
)


class _Base(Handler):
    def on_step_by(self, case, step, source: str, actor) -> None:
        from . import services

        services.on_step(case, step, source, actor)

    def section(self, case, user, surface: str) -> dict | None:
        from . import views

        return views.case_section(case, user, surface)

    def result_rows(self, case) -> list[tuple[str, str]]:
        from . import selectors

        return selectors.result_rows(case)


class FileHandler(_Base):
    def unavailable(self, item, worker) -> str:
        from . import selectors

        return selectors.file_unavailable(worker)

    def eligibility(self, case) -> None:
        from . import services

        services.file_eligibility(case)


class AidHandler(_Base):
    def unavailable(self, item, worker) -> str:
        from . import selectors

        return "" if selectors.file_on_record(worker) else \
            "困难救助面向已纳入困难职工档案的职工家庭。请先申请“困难职工建档”，审批通过后再申请救助。"

    def check_form(self, item, worker, form: dict) -> None:
        from . import services

        services.aid_check_form(worker, form)

    def eligibility(self, case) -> None:
        from . import services

        services.aid_eligibility(case)


class AutumnHandler(_Base):
    def form_fields(self, item, worker) -> list[dict] | None:
        from . import selectors

        campaign = selectors.open_campaign()
        tiers = [t.label for t in campaign.tiers.all()] if campaign else []
        return [{**spec, "choices": tiers} if spec["key"] == "tier" else spec for spec in item.fields]

    def unavailable(self, item, worker) -> str:
        from . import selectors

        return selectors.autumn_unavailable(worker)

    def check_form(self, item, worker, form: dict) -> None:
        from . import services

        services.autumn_check_form(worker, form)

    def eligibility(self, case) -> None:
        from . import services

        services.autumn_eligibility(case)
