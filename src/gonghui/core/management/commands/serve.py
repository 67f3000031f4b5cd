"""`python -m gonghui serve`: the production WSGI server (gunicorn) on this machine, with the
background-job worker (`db_worker`) and the hourly run of `cases_daily` beside it unless --no-worker.

This process stays the parent of all three: SIGTERM or SIGINT (Ctrl-C, a container stopping, systemd) is
passed on to each, and it waits for them — gunicorn finishes its requests, the job worker its job in
progress (or leaves it queued) — before it exits; if one of them dies, the others are stopped too. Nothing
is left running under PID 1.

Static files are served by whitenoise inside the app, so no separate web server is needed for the demo;
in production put a reverse proxy (TLS) in front and set GONGHUI_PRODUCTION=1.
"""

import os
import signal
import subprocess
import sys
import time
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
        # outside production the static files come straight from the apps (WHITENOISE_USE_FINDERS); an empty
        # STATIC_ROOT spares a new user whitenoise's "No directory at: staticfiles/" warning
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Gonghui serving at http://{host}:{port}/  (Ctrl-C stops)")
        self.stdout.flush()
        sys.stderr.flush()
        children = [subprocess.Popen(argv)]  # noqa: S603 - our own interpreter and arguments
        if not no_worker:
            children.append(subprocess.Popen([sys.executable, "-m", "gonghui", "db_worker", "--interval", "0.5",
                                              "--no-startup-delay"]))
            # the case engine's daily job (deadline colours, digest), hourly: it is idempotent per day
            children.append(subprocess.Popen([sys.executable, "-m", "gonghui", "cases_daily", "--every", "3600"]))
        sys.exit(supervise(children))


STOP_SECONDS = 20  # a job in progress gets this long to finish before it is killed (and left queued)


def supervise(children: list[subprocess.Popen]) -> int:
    """Wait until a signal comes or a child ends; then stop every child and wait for them. Returns the
    first child's (gunicorn's) exit code."""
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return children[0].returncode or 0
