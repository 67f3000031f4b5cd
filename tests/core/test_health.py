import json
import os
import subprocess
import sys

from django.urls import reverse


def test_healthz_names_the_database_and_its_migration_state(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert body["database"]["reachable"] is True
    assert body["migrations"] == {"state": "applied", "pending": []}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_reports_pending_migrations(client, transactional_db):
    from django.core.management import call_command

    call_command("migrate", "orgs", "zero", verbosity=0)
    try:
        body = client.get(reverse("healthz")).json()
        assert body["migrations"]["state"] == "pending"
        assert "orgs.0001_initial" in body["migrations"]["pending"]
    finally:
        call_command("migrate", verbosity=0)


def _healthz_in_subprocess(database_url: str, tmp_path) -> tuple[int, dict]:
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "gonghui.settings",
           "GONGHUI_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    status, body = done.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


def test_healthz_answers_503_when_postgresql_is_unreachable(tmp_path):
    # nothing listens on port 1: the connection is refused at once
    status, body = _healthz_in_subprocess("postgres://gonghui@127.0.0.1:1/gonghui", tmp_path)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["database"] == {"vendor": "postgresql", "reachable": False, "error": "OperationalError"}


def test_healthz_answers_503_when_the_sqlite_file_cannot_be_opened(tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the database's folder should be")
    status, body = _healthz_in_subprocess(f"sqlite:///{blocked}/gonghui.sqlite3", tmp_path)
    assert status == 503
    assert body["database"]["vendor"] == "sqlite"
    assert body["database"]["reachable"] is False


def test_ordinary_refusals_are_one_info_line_and_incidents_stay_for_crashes(client, staff, caplog):
    """403s and 404s were logged as ERROR incidents with a traceback, burying the real ones."""
    import logging

    caplog.set_level(logging.INFO)
    client.force_login(staff["qingyang_staff"])
    assert client.get("/desk/cases/NO-SUCH-CASE/").status_code == 404
    refused = [r for r in caplog.records if r.name == "gonghui.refused"]
    assert [r.getMessage() for r in refused] == ["404 GET /desk/cases/NO-SUCH-CASE/"]
    assert not refused[0].exc_info and refused[0].levelno == logging.INFO
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
