"""Set-up for the scheduling browser test, run in the server's database (``server.shell``): what the people
already know before the test begins."""


def worker() -> str:
    """A worker of 罗山 with a sign-in and no booking yet. Returns "phone|name"."""
    from gonghui.cases.demo_data import worker_account
    from gonghui.orgs.models import Org
    from gonghui.registry.models import Worker

    town = Org.objects.get(code="luoshan")
    person = (Worker.objects.filter(org__path__startswith=town.path, account__isnull=True, bookings__isnull=True,
                                    membership="member").order_by("-pk").first())
    phone = f"135{person.pk:08d}"
    Worker.objects.filter(pk=person.pk).update(phone=phone)
    worker_account(person, phone)
    return f"{phone}|{person.name}"


def full_slot() -> str:
    """Next Wednesday's 10:00 slot of the clinic, filled by two workers who phoned. Returns "pk|date|a name"."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from gonghui.registry.models import Worker
    from gonghui.scheduling import services
    from gonghui.scheduling.models import Session

    clerk = get_user_model().objects.get(username="city_staff")
    slot = (Session.objects.filter(service__code="spine_clinic", date__gt=timezone.localdate(), starts_at=dt.time(10))
            .order_by("date").first())
    people = Worker.objects.filter(bookings__isnull=True, membership="member").order_by("pk")[:2]
    for person in people:
        services.book(actor=clerk, worker=person, session=slot, channel="phone")
    return f"{slot.pk}|{slot.date:%Y-%m-%d}|{people[0].name}"


def yesterday_session() -> str:
    """A one-off clinic session yesterday afternoon that 李某 booked and did not come to. Returns "pk|name"."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from gonghui.core.demo import at
    from gonghui.registry.models import Worker
    from gonghui.scheduling import services
    from gonghui.scheduling.models import Service

    clerk = get_user_model().objects.get(username="city_staff")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    person = Worker.objects.filter(bookings__isnull=True, membership="member").order_by("-pk")[5]
    with at(yesterday - dt.timedelta(days=3)):
        session = services.session_create(actor=clerk, service=Service.objects.get(code="spine_clinic"),
                                           org=clerk.org, date=yesterday, starts_at=dt.time(18),
                                           ends_at=dt.time(18, 30), capacity=2)
        services.book(actor=clerk, worker=person, session=session, channel="phone")
    return f"{session.pk}|{person.name}"


def the_day_arrives(pk: int) -> str:
    """Time passes: the session is today (the clinic's doctor is in)."""
    from django.utils import timezone

    from gonghui.scheduling.models import Session

    Session.objects.filter(pk=pk).update(date=timezone.localdate())
    return "ok"
