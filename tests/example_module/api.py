import datetime as dt

from ninja import Router, Schema

from gonghui.cases.models import Case
from gonghui.web.api_auth import require_scope

router = Router(tags=["library"])


class LoanOut(Schema):
    number: str
    title: str
    state: str
    state_label: str
    due_on: dt.date | None

    @staticmethod
    def resolve_title(obj: Case) -> str:
        return obj.form.get("title", "")


@router.get("/library/loans", response=list[LoanOut], url_name="example_loans", summary="职工书屋借阅（示例模块）")
def loans(request):
    require_scope(request, "cases:read")
    return list(Case.objects.visible_to(request.user).filter(item__code="book_loan").select_related("item")
                .order_by("-pk")[:100])
