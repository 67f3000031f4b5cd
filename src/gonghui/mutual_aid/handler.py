"""Medical mutual aid on the case engine: the claim's workflow (the standard one, fulfilled by the bank's
result file instead of a button) and its handler (eligibility at submission; in each step's transaction,
invoice numbers reserved and released and, at approval, the subsidy computed and kept on the claim — once,
not in ``case.result`` as well; the claim's section of the case page)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from gonghui.cases.models import State
from gonghui.cases.registry import Handler
from gonghui.cases.states import STANDARD, Transition

from . import selectors, services

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
    """Only what the worker can claim is offered, and said before any material is asked: the products of
    the plan years still open to them, and the conditions of the fixed-payout products among them — from
    the products' data, so a product or condition the administrators add is offered at once."""

    def form_fields(self, item, worker) -> list[dict]:
        products = selectors.claimable_products(worker)
        conditions = selectors.claimable_conditions(worker)
        fields = []
        for spec in item.fields:
            if spec["key"] == "product":
                spec = {**spec, "choices": products, "accept": selectors.product_names()}
            elif spec["key"] == "condition":
                if not conditions:
                    continue  # the special diseases are asked only of those enrolled in such a product
                spec = {**spec, "choices": conditions}
            fields.append(spec)
        return fields

    def unavailable(self, item, worker) -> str:
        if selectors.claimable_products(worker):
            return ""
        return ("您目前没有可以申请补助的医疗互助项目（未参加，或该年度报销已截止）。"
                "如已参加，请联系所在企业工会或镇街职工服务中心核实。")

    def check_form(self, item, worker, form: dict) -> None:
        product = form.get("product")
        if product and product not in selectors.claimable_products(worker):
            raise ValidationError({"product": f"您未参加{product}，不能申请。"})
        if product in selectors.claimable_products(worker, kind="fixed") and not form.get("condition"):
            raise ValidationError({"condition": f"申请{product}，请选择所患病种。"})

    def eligibility(self, case) -> None:
        services.eligibility(case)

    def on_step(self, case, step, source: str) -> None:
        services.on_step(case, step.name, source)

    def section(self, case, user, surface: str) -> dict | None:
        from . import views

        return views.case_section(case, user, surface)
