"""Set-up for the model workers' browser test, run in the server's database (``server.shell``): a retired
provincial model worker of the demo without a claim, given the sign-in a bound worker has, and an invoice
number mutual aid already holds."""


def retired_model_worker() -> str:
    """Returns "phone|name" of a retired provincial model worker who can sign in on /m/."""
    from django.contrib.auth import get_user_model

    from gonghui.accounts.demo_accounts import DEMO_PASSWORD
    from gonghui.cases.models import Case
    from gonghui.model_workers.models import ModelWorker
    from gonghui.orgs.models import Org
    from gonghui.registry.models import BindingStatus, Worker, WorkerAccount

    claimed = Case.objects.filter(item__code="mw_hospital").values("applicant_id")
    mw = (ModelWorker.objects.filter(level="provincial", retired_on__isnull=False, died_on__isnull=True,
                                     worker__enterprise__isnull=True).exclude(worker_id__in=claimed)
          .select_related("worker", "org").order_by("pk").first())
    worker = mw.worker
    phone = f"139{worker.pk:08d}"
    Worker.objects.filter(pk=worker.pk).update(phone=phone)
    user = get_user_model().objects.filter(username=phone).first() or get_user_model().objects.create_user(
        phone, password=DEMO_PASSWORD, name=worker.name, must_change_password=False)
    WorkerAccount.objects.get_or_create(user=user, defaults={
        "worker": worker, "status": BindingStatus.BOUND, "name": worker.name, "id_enc": worker.id_enc,
        "id_bidx": worker.id_bidx, "town": Org.objects.get(path=mw.org.path[:8])})
    return f"{phone}|{worker.name}"


def invoice_held_by_mutual_aid() -> str:
    from gonghui.aid.models import InvoiceUse

    return InvoiceUse.objects.filter(active=True, source="mutual_aid").order_by("pk").values_list(
        "number", flat=True).first()
