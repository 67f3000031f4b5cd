"""Festival condolence visits (送温暖), and the /dash/ figures recounted from the rows."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.aid.models import Grant
from gonghui.assistance import figures, services
from gonghui.assistance.models import Award, FestivalVisit, FileStatus, HardshipFile
from gonghui.cases import services as cases
from gonghui.core.errors import Conflict
from gonghui.notices import services as notices
from gonghui.notices.models import Objection
from gonghui.payments.models import LineStatus, PaymentLine
from tests.cases.conftest import png

pytestmark = pytest.mark.django_db


def test_a_festival_list_is_visited_and_receipted(on_file, staff, city):
    case = on_file()
    clerk = staff["city_staff"]
    campaign = services.festival_create(actor=clerk, org=city["jinjiang"], year=2027, name="2027年春节送温暖",
                                        amounts={"deep": "5000", "relative": "3000", "accident": "3000"})
    visit = campaign.visits.get()
    assert visit.file.case_id == case.pk
    with pytest.raises(ValidationError, match="请填写慰问人"):
        services.festival_record(actor=clerk, visit=visit, visited_on=timezone.localdate(), visitors="", cash="5000")
    services.festival_record(actor=clerk, visit=visit, visited_on=timezone.localdate(), visitors="市总工会主席",
                             cash="5000", goods="大米、食用油", receipt=("签收单.png", png()))
    visit.refresh_from_db()
    assert (visit.cash, visit.goods, visit.receipt_type) == (Decimal("5000.00"), "大米、食用油", "image/png")
    data, kind = services.receipt_read(actor=clerk, visit=visit)
    assert data == png() and kind == "image/png"
    assert Grant.objects.get(source="festival_visit", object_id=visit.pk).purpose == "festival"
    with pytest.raises(Conflict, match="已登记慰问"):
        services.festival_record(actor=clerk, visit=FestivalVisit.objects.get(pk=visit.pk),
                                 visited_on=timezone.localdate(), visitors="另一人", cash="5000")
    # the same household in a second campaign of the same year: the ledger refuses a second condolence payment
    again = services.festival_create(actor=clerk, org=city["jinjiang"], year=2027, name="补充慰问",
                                     amounts={"deep": "1000", "relative": "1000", "accident": "1000"})
    with pytest.raises(ValidationError, match="2027年获2027年春节送温暖"):
        services.festival_record(actor=clerk, visit=again.visits.get(), visited_on=timezone.localdate(),
                                 visitors="镇街工会", cash="1000")


def test_a_town_clerk_cannot_visit_another_towns_household(on_file, staff, city):
    on_file()
    campaign = services.festival_create(actor=staff["city_staff"], org=city["jinjiang"], year=2027, name="送温暖",
                                        amounts={"deep": "5000", "relative": "3000", "accident": "3000"})
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.festival_record(actor=staff["meiling_staff"], visit=campaign.visits.get(),
                                 visited_on=timezone.localdate(), visitors="黄丽娟", cash="5000")


def test_the_figures_equal_a_recount(on_file, visited, staff, city, today, worker_user, people,
                                     django_capture_on_commit_callbacks):
    from gonghui.assistance.payments import SOURCE, payable_rows
    from gonghui.cases.models import ServiceItem
    from gonghui.core.spreadsheets import write_xlsx
    from gonghui.payments import services as payments
    from gonghui.payments.models import PaymentBatch
    from tests.mutual_aid.conftest import verified

    year = timezone.localdate().year
    on_file()  # 王芳, 青阳, deep
    other = visited(name="张伟", incomes=("40000", "20000"))  # 梅岭, relative, with an objection upheld
    clerk_m = staff["meiling_staff"]
    notice = services.publicise(actor=clerk_m, case_list=[other], title="梅岭公示")
    upheld = notices.objection_add(notice=notice, entry=notice.entries.get(), text="有车有房。")
    notices.objection_answer(actor=clerk_m, objection=upheld, upheld=True, findings="属实。")
    rejected = notices.objection_add(notice=notice, entry=None, text="公示期太短。")
    notices.objection_answer(actor=clerk_m, objection=rejected, upheld=False, findings="按规定5个工作日。")
    user = worker_user("王芳")
    aid = cases.case_create(actor=user, item=ServiceItem.objects.get(code="hardship_aid"), data={
        "kind": "生活救助", "amount": "4000", "reason": "生活困难。", "phone": "13600000001",
        "bank_name": "农行", "bank_card": "6228480012345678901"})
    cases.attachment_add(actor=user, case=aid, material="proof", name="p.png", data=png())
    cases.transition(actor=user, case=aid, name="submit")
    for step in ("accept", "approve"):
        cases.transition(actor=staff["qingyang_staff"], case=aid, name=step)
    finance = staff["city_finance"]
    batch = payments.batch_create(actor=finance, source=SOURCE, rows=payable_rows(finance))
    now = verified(finance)
    payments.batch_approve(actor=finance, batch=batch, context=now)
    payments.batch_export(actor=finance, batch=batch, context=now)
    with django_capture_on_commit_callbacks(execute=True):
        payments.batch_import_result(actor=finance, batch=PaymentBatch.objects.get(pk=batch.pk), filename="r.xlsx",
                                     data=write_xlsx(["业务参考号", "状态", "失败原因"], [[aid.number, "成功", ""]],
                                                     sheet="结果"))
    campaign = services.festival_create(actor=staff["city_staff"], org=city["jinjiang"], year=year, name="送温暖",
                                        amounts={"deep": "5000", "relative": "3000", "accident": "3000"})
    services.festival_record(actor=staff["city_staff"], visit=campaign.visits.get(), visited_on=timezone.localdate(),
                             visitors="市总工会", cash="5000")

    f = figures.figures(user=staff["city_staff"], year=year)
    files = HardshipFile.objects.all()
    on = files.filter(status=FileStatus.ON_FILE)
    assert f["on_file_total"] == on.count() == 1
    assert dict(f["on_file"]) == {"深度困难": on.filter(category="deep").count(), "相对困难": 0, "意外致困": 0}
    assert f["entered"] == files.filter(approved_on__year=year).count() == 1
    paid_lines = PaymentLine.objects.filter(source=SOURCE, status=LineStatus.PAID)
    festival_cash = sum(v.cash for v in FestivalVisit.objects.exclude(cash=None))
    assert f["paid_total"] == sum(li.amount for li in paid_lines) + festival_cash == Decimal("9000.00")
    assert dict(f["paid"])["困难职工救助"] == Decimal("4000.00") and dict(f["paid"])["送温暖慰问金"] == Decimal("5000")
    assert f["paid_towns"] == [["青阳街道总工会", Decimal("4000.00"), Decimal("0"), Decimal("5000.00")]]
    counts = Counter(Objection.objects.values_list("state", flat=True))
    assert dict(f["objections"]) == {"待核查": counts["open"], "异议成立": counts["upheld"],
                                     "异议不成立": counts["rejected"]} == {"待核查": 0, "异议成立": 1, "异议不成立": 1}
    assert f["tiers"] == list(Award.objects.filter(programme="golden_autumn").values_list("kind_label")) == []
    # a town sees its own
    q = figures.figures(user=staff["meiling_staff"], year=year)
    assert (q["on_file_total"], q["paid_total"]) == (0, Decimal("0"))
