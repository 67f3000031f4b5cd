"""The library's workflow and handler (see apps.py)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from gonghui.cases.registry import Handler
from gonghui.cases.states import APPLICANT, Clock, Status, Transition, Workflow

LATE_FEE_PER_DAY = Decimal("0.10")

LOAN_WORKFLOW = Workflow(
    code="book_loan",
    states=(
        Status("draft", "草稿", editable=True),
        Status("submitted", "已提交"),
        Status("on_loan", "借阅中"),
        Status("on_hold", "暂停计时"),
        Status("book_back", "已归还", closed=True, rateable=True),
        Status("lost", "已挂失", closed=True),
        Status("withdrawn", "已撤回", closed=True),
    ),
    clocks=(Clock("loan", "借阅期限", unit="calendar"),),
    transitions=(
        Transition("submit", "申请借阅", ("draft",), "submitted", by=APPLICANT, perm="", stamp="submitted_at",
                   done="借阅申请已提交，请到服务中心取书。"),
        Transition("lend", "借出", ("submitted",), "on_loan", title="图书已借出", notify="lent", style="success",
                   stamp="accepted_at", clocks={"start": "loan"}),
        Transition("hold", "暂停计时", ("on_loan",), "on_hold", needs_reason=True, style="warning",
                   clocks={"pause": "loan"}, notify="held"),
        Transition("resume", "恢复计时", ("on_hold",), "on_loan", clocks={"resume": "loan"}),
        Transition("give_back", "归还", ("on_loan", "on_hold"), "book_back", title="图书已归还", notify="back",
                   style="success", stamp="closed_at", calculate=True),
        Transition("report_lost", "挂失", ("on_loan",), "lost", by=APPLICANT, perm="", needs_reason=True,
                   stamp="closed_at", done="已挂失，服务中心会与您联系赔偿事宜。", confirm="确定挂失这本书吗？"),
        Transition("withdraw", "撤回申请", ("draft", "submitted"), "withdrawn", by=APPLICANT, perm="",
                   stamp="closed_at", done="申请已撤回。"),
    ),
    messages={
        "lent": ("图书已借出", "您借阅的图书（{number}）已借出，借期{days}{unit}，请按时归还。"),
        "held": ("借期暂停计时", "您借阅的图书（{number}）暂停计时：{reason}。"),
        "back": ("图书已归还", "您借阅的图书（{number}）已归还，欢迎评价本次服务。"),
    },
)


class LoanHandler(Handler):
    def calculate(self, case, step) -> dict:
        """At the return: the days past the loan's date and the late fee."""
        clock = case.clock_set.filter(key="loan").first()
        today = timezone.localdate()
        late = max(0, (today - clock.due_on).days) if clock and clock.paused_on is None else 0
        return {"late_days": late, "late_fee": str(LATE_FEE_PER_DAY * late)}

    def result_rows(self, case) -> list[tuple[str, str]]:
        if "late_fee" not in case.result:
            return []
        return [("逾期天数", f"{case.result['late_days']}天"), ("逾期费", f"{case.result['late_fee']} 元")]

    def section(self, case, user, surface: str) -> dict:
        return {"template": f"example_module/_{surface}_section.html", "title": case.form.get("title", ""),
                "fee": case.result.get("late_fee")}
