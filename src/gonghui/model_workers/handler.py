"""The hospital-cost subsidy on the case engine: the standard steps; submission holds the invoices in the
shared registry (no other programme pays them), approval values the claim by the model worker's level and
the yearly cap and records the subsidy (and a medical grant in the aid ledger); the bank's result fulfils
it or asks the worker for another card."""

from __future__ import annotations

from gonghui.cases.models import State
from gonghui.cases.registry import Handler
from gonghui.cases.states import STANDARD, Transition

PERM_PAY = "payments.manage_payments"

HOSPITAL_WORKFLOW = STANDARD.extend(
    "mw_hospital",
    transitions=(
        Transition("fulfil", "确认已支付", (State.APPROVED,), State.FULFILLED, perm=PERM_PAY,
                   title="医疗补助已发放", notify="fulfilled", style="success", stamp="closed_at"),
    ),
    messages={
        "approved": ("审核通过", "您申请的“{item}”（{number}）已审核通过，补助金将转入您的银行卡，"
                                 "金额请在办件详情中查看。"),
        "payment_failed": ("支付失败，请更正银行卡",
                           "您申请的“{item}”（{number}）补助金支付失败：{reason}。请登录“我的办件”更正银行卡信息。"),
    },
)


class HospitalHandler(Handler):
    def unavailable(self, item, worker) -> str:
        from . import services

        return services.hospital_unavailable(worker)

    def eligibility(self, case) -> None:
        from . import services

        services.hospital_eligibility(case)

    def on_step_by(self, case, step, source: str, actor) -> None:
        from . import services

        services.on_step(case, step, source, actor)

    def section(self, case, user, surface: str) -> dict | None:
        from . import views

        return views.case_section(case, user, surface)

    def result_rows(self, case) -> list[tuple[str, str]]:
        from . import selectors

        return selectors.result_rows(case)
