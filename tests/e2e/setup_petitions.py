"""Set-up for the petitions' browser test, run in the server's database (``server.shell``): a worker of 青阳
with no petition yet, given the sign-in a bound worker has."""


def petitioner() -> str:
    """Returns "phone|id number|name"."""
    from django.contrib.auth import get_user_model

    from gonghui.accounts.demo_accounts import DEMO_PASSWORD
    from gonghui.cases.models import Case
    from gonghui.orgs.models import Org
    from gonghui.registry.models import BindingStatus, Worker, WorkerAccount

    town = Org.objects.get(code="qingyang")
    taken = Case.objects.filter(item__code__in=["petition", "hotline"]).values("applicant_id")
    worker = (Worker.objects.filter(org__path__startswith=town.path, account__isnull=True).exclude(pk__in=taken)
              .order_by("-pk").first())
    phone = f"137{worker.pk:08d}"
    Worker.objects.filter(pk=worker.pk).update(phone=phone)
    user = get_user_model().objects.create_user(phone, password=DEMO_PASSWORD, name=worker.name,
                                                must_change_password=False)
    WorkerAccount.objects.create(user=user, worker=worker, status=BindingStatus.BOUND, name=worker.name,
                                 id_enc=worker.id_enc, id_bidx=worker.id_bidx, town=town)
    return f"{phone}|{worker.id_number_clear()}|{worker.name}"


def caller() -> str:
    """The ID number and phone of another 青阳 worker (a caller of the hotline)."""
    from gonghui.cases.models import Case
    from gonghui.orgs.models import Org
    from gonghui.registry.models import Worker

    town = Org.objects.get(code="qingyang")
    taken = Case.objects.filter(item__code__in=["petition", "hotline"]).values("applicant_id")
    worker = Worker.objects.filter(org__path__startswith=town.path).exclude(pk__in=taken).order_by("pk").first()
    return f"{worker.id_number_clear()}|{worker.name}"
