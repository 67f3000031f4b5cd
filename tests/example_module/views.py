from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from gonghui.cases import selectors
from gonghui.cases.models import Case


@login_required(login_url=reverse_lazy("portal:login"))
def loans(request):
    """/m/library/: the worker's loans."""
    rows = selectors.my_cases(user=request.user).filter(item__code="book_loan")
    return render(request, "example_module/m_loans.html", {"loans": rows})


def panel(user, period=None) -> dict:
    """/dash/: books on loan and overdue in the user's subtree."""
    loans = Case.objects.visible_to(user).filter(item__code="book_loan")
    return {"figures": [
        ("借阅中", loans.filter(state__in=["on_loan", "on_hold"]).count(), ""),
        ("已逾期", loans.filter(state="on_loan", due_on__lt=timezone.localdate()).count(), ""),
        ("已归还", loans.filter(state="book_back").count(), ""),
    ]}
