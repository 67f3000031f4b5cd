"""Medical mutual aid on the case engine: the claim's workflow (the standard one, fulfilled by the bank's
result file instead of a button) and its handler (eligibility at submission; in each step's transaction,
invoice numbers reserved and released and, at approval, the subsidy computed and kept on the claim — once,
not in ``case.result`` as well; the claim's section of the case page)."""

from __future__ import annotations

from gonghui.cases.models import State
from gonghui.cases.registry import Handler
from gonghui.cases.states import STANDARD, Transition

from . import services

CLAIM_WORKFLOW = STANDARD.extend(
    "mutual_aid_claim",
    transitions=(
        # a claim is fulfilled by the bank's result file (finance), not by a button
        Transition("fulfil", "确认已支付", (State.APPROVED,), State.FULFILLED, perm=services.PERM_PAY,
                   title="补助金已发放", notify="fulfilled", style="success", stamp="closed_at"),
    ),
    messages={
        "payment_failed": ("支付失败，请更正银行卡",
                           "您申请的“{item}”（{number}）补助金支付失败：{reason}。请登录“我的办件”更正银行卡信息。"),
    },
)


class ClaimHandler(Handler):
    def eligibility(self, case) -> None:
        services.eligibility(case)

    def on_step(self, case, step, source: str) -> None:
        services.on_step(case, step.name, source)

    def section(self, case, user, surface: str) -> dict | None:
        from . import views

        return views.case_section(case, user, surface)
