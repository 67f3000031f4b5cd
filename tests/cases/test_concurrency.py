"""Two staff clicking at the same moment: one approval, one refusal — on SQLite and on PostgreSQL.

Each thread works with its own copy of the case, as two browsers would, and its own connection."""

import threading

import pytest
from django.db import connection

from gonghui.cases import services
from gonghui.cases.models import Case, CaseEvent, State
from gonghui.core.models import AuditLog

pytestmark = pytest.mark.django_db(transaction=True)


def _race(target, n=2):
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", target(i))
        except Exception as exc:
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_simultaneous_approvals_give_one(submitted, staff):
    case = submitted()
    clerk = staff["qingyang_staff"]
    services.transition(actor=clerk, case=case, name="accept")
    approvers = [staff["qingyang_staff"], staff["city_staff"]]

    def approve(i):
        copy = Case.objects.select_related("item", "org").get(pk=case.pk)
        return services.transition(actor=approvers[i], case=copy, name="approve")

    results = _race(approve)
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, services.CaseConflict)
    assert Case.objects.get(pk=case.pk).state == State.APPROVED
    assert CaseEvent.objects.filter(case=case, name="approve").count() == 1
    assert AuditLog.objects.filter(action="cases.transition.approve", object_id=str(case.pk)).count() == 1


def test_simultaneous_new_cases_get_distinct_numbers(ticket, worker_user, people):
    users = [worker_user("王芳"), worker_user("李强")]

    def create(i):
        return services.case_create(actor=users[i], item=ticket, data={"from_station": "晋江站"}).number

    results = _race(create)
    assert all(kind == "ok" for kind, _ in results), results
    numbers = {value for _, value in results}
    assert len(numbers) == 2 and all(n.startswith("HXCP-") for n in numbers)
