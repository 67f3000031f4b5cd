"""The daily job of the case engine: recolour cases by their deadlines, and tell each centre and its
parent which cases are near or past their deadline (an in-app message on the workbench).

Run by ``python -m gonghui cases_daily`` (``serve`` runs it hourly beside the web server; in production
a cron entry or systemd timer may call it instead). Running it again the same day changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count
from django_tasks import task

from gonghui.accounts.models import RoleAssignment
from gonghui.orgs.models import Org

from . import clocks
from .models import Case, Message, Urgency
from .selectors import queue_states


def digest(on: dt.date) -> int:
    """One message per staff member per day listing the near and overdue cases of their centre and of
    the centres directly below it. Returns the number of messages written."""
    title = f"办件到期提醒（{on:%m月%d日}）"
    rows = (Case.objects.filter(state__in=queue_states(), urgency__in=[Urgency.RED, Urgency.AMBER])
            .values("org_id", "org__path", "org__name", "urgency").annotate(n=Count("id")))
    by_org: dict[str, dict] = {}
    for row in rows:
        entry = by_org.setdefault(row["org__path"], {"name": row["org__name"], Urgency.RED: 0, Urgency.AMBER: 0})
        entry[row["urgency"]] += row["n"]
    if not by_org:
        return 0
    steplen = Org.steplen
    # the centre itself and its parent are told
    audience: dict[str, set[str]] = defaultdict(set)
    for path in by_org:
        audience[path].add(path)
        if len(path) > steplen:
            audience[path[:-steplen]].add(path)
    assignments = (RoleAssignment.objects.filter(org__path__in=list(audience),
                                                 role__permissions__codename="view_case",
                                                 role__permissions__content_type__app_label="cases")
                   .values_list("user_id", "org__path").distinct())
    lines_for: dict[int, set[str]] = defaultdict(set)
    for user_id, path in assignments:
        lines_for[user_id] |= audience[path]
    already = set(Message.objects.filter(title=title, recipient_id__in=list(lines_for))
                  .values_list("recipient_id", flat=True))
    written = 0
    with transaction.atomic():
        for user_id, paths in lines_for.items():
            if user_id in already:
                continue
            lines = [f"{by_org[p]['name']}：已超期{by_org[p][Urgency.RED]}件，即将到期{by_org[p][Urgency.AMBER]}件"
                     for p in sorted(paths)]
            Message.objects.create(recipient_id=user_id, title=title, body="；\n".join(lines) + "。")
            written += 1
    return written


def run_daily(on: dt.date | None = None) -> dict[str, int]:
    on = on or clocks.today()
    from gonghui.cases.idempotency import prune

    counts = clocks.sweep(on)
    counts["messages"] = digest(on)
    counts["idempotency_keys_pruned"] = prune()
    from .services import empty_drafts_purge

    counts["empty_drafts_purged"] = empty_drafts_purge()
    from gonghui.registry import retention

    counts.update({f"retention_{code}": n for code, n in retention.apply().items()})
    from gonghui.core import surfaces

    for key, job in surfaces.daily_jobs():  # the modules' own (reminders, lapses)
        counts.update({f"{key}_{name}": n for name, n in job(on).items()})
    return counts


@task()
def daily() -> dict:
    return run_daily()
