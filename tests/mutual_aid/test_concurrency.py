"""At the same moment: two claims with the same invoice, two finance officers gathering the same claims,
the bank's result imported twice — one claim, one batch, one payment. On SQLite and PostgreSQL."""

import pytest

from gonghui.cases import services as cases
from gonghui.cases.models import Case, State
from gonghui.core.spreadsheets import write_xlsx
from gonghui.mutual_aid.models import ClaimInvoice
from gonghui.payments import services as payments
from gonghui.payments.models import LineStatus, PaymentBatch, PaymentLine
from tests.cases.test_concurrency import _race
from tests.mutual_aid.conftest import gather

from .conftest import verified

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_invoice_submitted_twice_at_once_is_claimed_once(filed, worker_user):
    drafts = [filed("王芳", invoices=(("DUP000001", "9000", "8000"),), submit=False),
              filed("李强", invoices=(("DUP000001", "9000", "8000"),), submit=False)]
    users = [worker_user("王芳"), worker_user("李强")]

    def submit(i):
        case = Case.objects.select_related("item", "org").get(pk=drafts[i].pk)
        return cases.transition(actor=users[i], case=case, name="submit")

    results = _race(submit)
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    assert Case.objects.filter(pk__in=[d.pk for d in drafts], state=State.SUBMITTED).count() == 1
    assert ClaimInvoice.objects.filter(number="DUP000001", reserved=True).count() == 1


def test_two_officers_gathering_at_once_put_each_claim_in_one_batch(approved, finance, staff, grant):
    for name in ("王芳", "李强"):
        approved(name)
    other = grant(staff["city_staff"], "finance")

    def both(i):
        return gather([finance, other][i])

    results = _race(both)
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    assert PaymentLine.objects.count() == 2 and PaymentBatch.objects.filter(count=2).count() == 1


def test_a_result_imported_twice_at_once_pays_once(approved, finance, django_capture_on_commit_callbacks):
    case = approved("王芳")
    verified_now = verified(finance)
    batch = gather(finance)
    payments.batch_approve(actor=finance, batch=batch, context=verified_now)
    payments.batch_export(actor=finance, batch=batch, context=verified_now)
    result = write_xlsx(["业务参考号", "状态", "失败原因"], [[case.number, "成功", ""]], sheet="r")

    def settle(i):
        return payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk),
                                            data=result, filename="r.xlsx")

    results = _race(settle)
    assert all(kind == "ok" for kind, _ in results), results
    assert sorted(value["paid"] for _, value in results) == [0, 1]
    assert PaymentLine.objects.filter(status=LineStatus.PAID).count() == 1
    assert Case.objects.get(pk=case.pk).state == State.FULFILLED


def test_two_batches_created_at_the_same_moment_get_distinct_numbers(approved, finance, staff, grant):
    """Numbered by the shared numbering (core.numbering), not by counting the batches of the day."""
    from gonghui.mutual_aid.models import Claim

    claims = [Claim.objects.get(case=approved(name)) for name in ("王芳", "李强")]
    other = grant(staff["city_staff"], "finance")

    def both(i):
        return gather([finance, other][i], [claims[i]])

    results = _race(both)
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    numbers = sorted(batch.number for _, batch in results)
    year = numbers[0].split("-")[1]
    assert numbers == [f"ZF-{year}-000001", f"ZF-{year}-000002"]
