"""Set-up for the mutual-aid browser test, run in the server's database (``server.shell``): what the
people in the test already have before it starts."""

import datetime as dt


def demo_worker_with_an_approved_claim() -> str:
    """The demo worker enrolled in the 2026 inpatient aid, with one claim already approved (filed at the
    intake point by the city centre). Returns that claim's number."""
    from django.contrib.auth import get_user_model

    from gonghui.cases import services as cases
    from gonghui.cases.demo_data import DEMO_WORKER_PHONE, demo_image
    from gonghui.cases.models import ServiceItem
    from gonghui.mutual_aid import services
    from gonghui.mutual_aid.models import Product
    from gonghui.registry.models import WorkerAccount

    worker = WorkerAccount.objects.get(user__username=DEMO_WORKER_PHONE).worker
    product = Product.objects.get(plan_year__year=2026, code="inpatient")
    services._enrol_rows(product, [worker], dt.date(2025, 12, 1), "roster")
    staff = get_user_model().objects.get(username="city_staff")
    item = ServiceItem.objects.get(code=services.ITEM_CODE)
    case = cases.case_create(actor=staff, item=item, worker=worker, data={
        "product": "住院医疗互助", "hospital": "晋江市中医院", "admitted_on": "2026-06-01",
        "discharged_on": "2026-06-05", "diagnosis": "骨折", "bank_name": "中国建设银行晋江支行",
        "bank_card": "6217001930000000001"})
    services.invoice_add(actor=staff, case=case, number="E2E0000002", hospital="晋江市中医院",
                         issued_on="2026-06-05", amount="6000", eligible="5000")
    for material in item.required_materials:
        cases.attachment_add(actor=staff, case=case, material=material["key"], name="scan.png",
                             data=demo_image(material["key"]))
    for step in ("submit", "accept", "review", "approve"):
        cases.transition(actor=staff, case=case, name=step)
    return case.number
