"""`GET /healthz`: is the database reachable, and is its schema up to date?

200 with JSON naming the database vendor and the migration state when the database answers (pending
migrations are reported, not fatal: the process can serve while an operator migrates); 503 when the
database cannot be reached. Load balancers and the fresh-clone check probe it.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import gonghui

log = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    body: dict = {"version": gonghui.__version__, "database": {"vendor": connection.vendor}}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        log.warning("healthz: database unreachable: %s", exc)
        body["status"] = "unavailable"
        body["database"]["reachable"] = False
        body["database"]["error"] = exc.__class__.__name__
        return JsonResponse(body, status=503)
    pending = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    body["status"] = "ok"
    body["database"]["reachable"] = True
    body["migrations"] = {"state": "pending" if pending else "applied", "pending": pending}
    return JsonResponse(body, status=200)
