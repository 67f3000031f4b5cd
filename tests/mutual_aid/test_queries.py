"""Mutual aid's pages run a fixed number of queries whatever the number of claims (two or eight)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gonghui.payments.models import PaymentBatch
from tests.mutual_aid.conftest import gather

pytestmark = pytest.mark.django_db


def _claims(approved, n):
    names = ["王芳", "李强", "张伟"]
    return [approved(names[i % 3], invoices=((f"Q{n}{i:05d}", "12000", "10000"),)) for i in range(n)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.parametrize("page", ["overview", "payments", "batch", "claim", "worker_claim", "figures"])
def test_a_page_runs_the_same_queries_for_two_and_for_eight_claims(page, approved, finance, staff, worker_user,
                                                                    second_factor, plan):
    counts = []
    client = Client()
    user = {"payments": finance, "batch": finance, "worker_claim": worker_user("王芳")}.get(page, staff["city_staff"])
    client.force_login(user)
    if user == finance:
        second_factor(client, finance)
    for n in (2, 8):
        PaymentBatch.objects.all().delete()
        cases = _claims(approved, n)
        batch = gather(finance)
        url = {"overview": "/desk/mutual-aid/?year=2026", "payments": "/desk/payments/",
               "batch": f"/desk/payments/{batch.pk}/", "claim": f"/desk/cases/{cases[-1].number}/",
               "worker_claim": f"/m/cases/{cases[0].number}/", "figures": "/dash/mutual-aid/?year=2026"}[page]
        client.get(url)  # warm the caches (permissions, the session)
        counts.append(_queries(client, url))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 2 claims, {counts[1]} with 8"
