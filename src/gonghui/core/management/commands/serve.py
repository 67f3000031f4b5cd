"""`python -m gonghui serve`: the production WSGI server (gunicorn) on this machine, with the
background-job worker (`db_worker`) and the hourly run of `cases_daily` beside it unless --no-worker.

Static files are served by whitenoise inside the app, so no separate web server is needed for the demo;
in production put a reverse proxy (TLS) in front and set GONGHUI_PRODUCTION=1.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Gonghui with gunicorn (default http://127.0.0.1:8000; PORT= or --port changes it)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", "4")))
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start the background-job worker (run `db_worker` elsewhere)")

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        argv = [
            sys.executable, "-m", "gunicorn", "gonghui.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--threads", str(threads),
            "--access-logfile", "-",
            # the path without the query string: a query may carry an ID number or a phone
            "--access-logformat", '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
            "--graceful-timeout", "5",
        ]
        if not no_worker:
            # same process group: Ctrl-C (or killing the group) stops both
            subprocess.Popen([sys.executable, "-m", "gonghui", "db_worker", "--interval", "0.5",
                              "--no-startup-delay"])
            # the case engine's daily job (deadline colours, digest), hourly: it is idempotent per day
            subprocess.Popen([sys.executable, "-m", "gonghui", "cases_daily", "--every", "3600"])
        # outside production the static files come straight from the apps (WHITENOISE_USE_FINDERS); an empty
        # STATIC_ROOT spares a new user whitenoise's "No directory at: staticfiles/" warning
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Gonghui serving at http://{host}:{port}/  (Ctrl-C stops)")
        self.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
