"""Demo cases: a living queue for `make demo` — cases of both errands in every state, some near or past
their deadline, one demo worker account with cases of their own. Built through the real services (so
the timeline, audit trail, clocks and messages are the real thing), then a few clocks are moved back
in time to show amber and red. Deterministic and idempotent (skipped when cases exist).
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from gonghui.accounts.demo_accounts import DEMO_PASSWORD
from gonghui.orgs.models import Org
from gonghui.registry.models import BindingStatus, Worker, WorkerAccount

from . import clocks, services
from .models import Case, CaseClock, ServiceItem, State

DEMO_WORKER_PHONE = "13800000001"
SEED = 2026
# (state to reach, how many) per town; days_back moves the clocks back to show amber and red
PLAN = [
    ("submitted", 6), ("accepted", 4), ("in_review", 3), ("returned", 2), ("approved", 2), ("fulfilled", 5),
    ("not_accepted", 1), ("denied", 1), ("withdrawn", 1), ("draft", 1),
]
PATHS = {
    "submitted": [], "accepted": ["accept"], "in_review": ["accept", "review"], "returned": ["accept", "return"],
    "approved": ["accept", "review", "approve"], "fulfilled": ["accept", "review", "approve", "fulfil"],
    "not_accepted": ["not_accept"], "denied": ["accept", "review", "deny"], "withdrawn": ["withdraw"],
}


def demo_image(label: str, colour: str = "#d9e2ec") -> bytes:
    """A small PNG standing in for a photo of a document."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 300), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 468, 288), outline="#486581", width=4)
    draw.text((30, 30), label.encode("ascii", "ignore").decode() or "DEMO", fill="#102a43")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _ticket_form(rng: random.Random, worker: Worker, today: dt.date) -> dict:
    return {"from_station": "晋江站",
            "to_station": rng.choice(["贵阳北站", "重庆北站", "南昌站", "长沙南站", "信阳站"]),
            "travel_date": (today + dt.timedelta(days=rng.randint(20, 70))).isoformat(),
            "seat": rng.choice(["硬座", "二等座", "硬卧"]), "passengers": "1", "passenger_names": worker.name,
            "passenger_ids": worker.id_number_clear(), "contact_phone": worker.phone or "13900000000"}


def _exam_form(rng: random.Random, worker: Worker, today: dt.date) -> dict:
    return {"licence_class": rng.choice(["D（普通三轮摩托车）", "E（普通二轮摩托车）"]),
            "enterprise": worker.enterprise.name if worker.enterprise else "—",
            "mobile": worker.phone or "13900000000", "remark": ""}


def _demo_worker_account(worker: Worker):
    return worker_account(worker, DEMO_WORKER_PHONE)


def worker_account(worker: Worker, username: str):
    """A signed-up worker bound to ``worker`` (as /m/ leaves them after the binding is approved)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=DEMO_PASSWORD, name=worker.name,
                                        must_change_password=False)
        WorkerAccount.objects.create(user=user, worker=worker, status=BindingStatus.BOUND, name=worker.name,
                                     id_enc=worker.id_enc, id_bidx=worker.id_bidx, town=Org.objects.get(
                                         path=worker.org.path[:Org.steplen * 2]))
    return user


def build_cases(staff_usernames=("qingyang_staff", "meiling_staff")) -> dict[str, int]:
    if Case.objects.exists() or not Worker.objects.exists():
        return {"cases": 0}
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    User = get_user_model()
    items = {i.code: i for i in ServiceItem.objects.all()}
    today = clocks.today()
    made = 0
    account_user, demo_worker_pk = None, None
    ticketed: set[int] = set()
    for username in staff_usernames:
        staff = User.objects.get(username=username)
        town = staff.org
        workers = list(Worker.objects.within(town.path).select_related("org", "enterprise").order_by("pk")[:60])
        if not workers:
            continue
        if account_user is None:
            account_user, demo_worker_pk = _demo_worker_account(workers[0]), workers[0].pk
        n = 0
        for state, count in PLAN:
            for _ in range(count):
                worker = workers[n % len(workers)]
                n += 1
                # a ticket home is once a year per worker (its guide); the demo worker keeps theirs to try
                ticket = n % 3 and worker.pk not in ticketed and worker.pk != demo_worker_pk
                item = items["ticket_home" if ticket else "driving_exam"]
                if ticket:
                    ticketed.add(worker.pk)
                form = (_ticket_form if item.code == "ticket_home" else _exam_form)(rng, worker, today)
                actor = account_user if worker.pk == demo_worker_pk else staff
                with transaction.atomic():
                    case = services.case_create(actor=actor, item=item, worker=worker, data=form)
                    for material in item.required_materials:
                        services.attachment_add(actor=actor, case=case, material=material["key"],
                                                name=f"{material['name']}.png", data=demo_image(material["key"]))
                    if state != "draft":
                        services.transition(actor=actor, case=case, name="submit")
                    for step in PATHS.get(state, []):
                        by = actor if step == "withdraw" else staff
                        kwargs = {}
                        if step in ("not_accept", "deny"):
                            kwargs["reason"] = "申请人不符合申请条件（演示数据）"
                        if step == "withdraw":
                            kwargs["reason"] = "行程有变"
                        if step == "return":
                            kwargs["fix"] = {"items": [{"type": "material", "key": item.required_materials[-1]["key"],
                                                        "note": "照片模糊，请重新拍摄"}], "note": ""}
                        services.transition(actor=by, case=case, name=step, **kwargs)
                    _age(case, rng)
                made += 1
    clocks.sweep(today)
    return {"cases": made}


def _age(case: Case, rng: random.Random) -> None:
    """Move an open case's clocks back by a few days so that the queue shows amber and red."""
    if case.state not in (State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW):
        return
    back = rng.choice([0, 0, 1, 3, 4, 6, 9])
    if not back:
        return
    shift = dt.timedelta(days=back)
    for clock in CaseClock.objects.filter(case=case):
        CaseClock.objects.filter(pk=clock.pk).update(started_on=clock.started_on - shift, due_on=clock.due_on - shift)
    Case.objects.filter(pk=case.pk).update(submitted_at=case.submitted_at - shift, created_at=case.created_at - shift)
    case.refresh_from_db()
    clocks.refresh(case)
