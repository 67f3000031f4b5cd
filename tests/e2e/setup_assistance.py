"""Set-up for the needy-worker browser test, run in the server's database (``server.shell``): a worker of
青阳 in their forties with a bound sign-in (what registration and binding leave), and the passing of the
days a public notice's window needs."""


def needy_worker() -> str:
    """A local worker of 青阳 born before 1985 without an account or a file; returns "phone|id number|name"."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from gonghui.accounts.demo_accounts import DEMO_PASSWORD
    from gonghui.assistance.models import HardshipFile
    from gonghui.orgs.models import Org
    from gonghui.registry.models import BindingStatus, Worker, WorkerAccount

    town = Org.objects.get(code="qingyang")
    taken = set(WorkerAccount.objects.values_list("worker_id", flat=True)) | set(
        HardshipFile.objects.values_list("worker_id", flat=True))
    worker = (Worker.objects.filter(org__path__startswith=town.path, hukou="local", birth_date__lt=dt.date(1985, 1, 1))
              .exclude(pk__in=taken).exclude(phone="").order_by("pk").first())
    user = get_user_model().objects.filter(username=worker.phone).first()
    if user is None:
        user = get_user_model().objects.create_user(worker.phone, password=DEMO_PASSWORD, name=worker.name,
                                                    must_change_password=False)
        WorkerAccount.objects.create(user=user, worker=worker, status=BindingStatus.BOUND, name=worker.name,
                                     id_enc=worker.id_enc, id_bidx=worker.id_bidx, town=town)
    return f"{worker.phone}|{worker.id_number_clear()}|{worker.name}"


def family_id(own: str, born: str, seq: int) -> str:
    """A valid ID number of a family member born on ``born`` (YYYYMMDD), in the worker's county."""
    from gonghui.core.idnumber import check_char

    body = f"{own[:6]}{born}{seq:03d}"
    return body + check_char(body)


def window_passes(number: str) -> str:
    """The days go by: the notice of case ``number`` was published long enough ago that its window closed
    yesterday (the test cannot wait five working days)."""
    import datetime as dt

    from django.utils import timezone

    from gonghui.notices.models import NoticeEntry, PublicNotice

    entry = NoticeEntry.objects.select_related("notice").get(case__number=number)
    shift = entry.notice.closes_on - timezone.localdate() + dt.timedelta(days=1)
    PublicNotice.objects.filter(pk=entry.notice_id).update(published_on=entry.notice.published_on - shift,
                                                           closes_on=entry.notice.closes_on - shift)
    return "ok"
