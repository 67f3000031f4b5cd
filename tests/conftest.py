import importlib
import random

import pytest
from django.contrib.auth import get_user_model

from gonghui.accounts.demo_accounts import DEMO_PASSWORD
from gonghui.core.idnumber import check_char
from gonghui.orgs.models import Org
from gonghui.registry.models import BindingStatus, Worker, WorkerAccount
from gonghui.site.demo import build_city


def _allow_the_flush_to_truncate_the_audit_log():
    """The flush after a transactional test truncates every table; on PostgreSQL the audit log refuses
    TRUNCATE (core migration 0008) unless the transaction says it is this flush."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "_allows_audit_truncate", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL gonghui.audit_truncate = 'allowed'", *statements] if statements else statements

    sql_flush._allows_audit_truncate = True
    DatabaseOperations.sql_flush = sql_flush


_allow_the_flush_to_truncate_the_audit_log()


@pytest.fixture(autouse=True)
def _shipped_data(request):
    """The rows data migrations ship (the official calendar) are back for every test that uses the database.

    A transactional test (``transaction=True``) ends with a flush that empties every table; post_migrate
    brings back the roles and the catalogue, but not what a data migration wrote. Without this, a test
    that counts working days failed whenever a transactional test had run before it on the same worker.
    """
    wanted = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
    if not (wanted & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from django.apps import apps

    from gonghui.core.models import CalendarDay

    if not CalendarDay.objects.exists():
        importlib.import_module("gonghui.core.migrations.0005_official_calendar_2025_2026").load(apps, None)


@pytest.fixture
def city(db):
    """The demo city (deterministic), built in the test database."""
    build_city("demo")
    return {org.code: org for org in Org.objects.filter(depth__lte=2)}


@pytest.fixture
def staff(city):
    """The demo staff accounts by username."""
    return {u.username: u for u in get_user_model().objects.select_related("org")}


@pytest.fixture
def grant():
    """Give a user a role at an organisation (or take all their roles away with ``role=None``)."""
    from gonghui.accounts.models import Role, RoleAssignment

    def _grant(user, role, org=None):
        if role is None:
            RoleAssignment.objects.filter(user=user).delete()
        else:
            RoleAssignment.objects.get_or_create(user=user, role=Role.objects.get(code=role), org=org or user.org)
        for attr in ("_role_grants_all", "_role_perm_cache", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(attr, None)
        return user

    return _grant


@pytest.fixture
def login(client):
    """Sign a demo account in (its password checked; force_login since axes needs a real request)."""

    def _login(username: str):
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def registry(city):
    """The demo city's enterprises and workers (340 and 2,400), loaded through the importer."""
    from gonghui.registry.demo_data import build_registry

    return build_registry("demo")


def totp_now(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def second_factor():
    """Give a signed-in user a confirmed TOTP device and pass the second factor on ``client``."""

    def _verify(client, user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="测试", confirmed=True)
        response = client.post("/desk/2fa/verify/", {"code": totp_now(device), "next": "/desk/"})
        assert response.status_code == 302, response.content.decode()[:500]
        return device

    return _verify


@pytest.fixture
def people(city):
    """Three workers: 青阳's 王芳 and 李强, 梅岭's 张伟 (written through the importer)."""
    from gonghui.registry.demo_data import make_uscc
    from gonghui.registry.importing import EnterpriseImporter, WorkerImporter
    from tests.files import ENTERPRISE_HEADER, WORKER_HEADER, csv_bytes

    rng = random.Random(7)
    q_code, m_code = make_uscc(rng), make_uscc(rng)
    EnterpriseImporter(scope=city["jinjiang"]).run(csv_bytes(ENTERPRISE_HEADER, [
        ["晋江市青阳办件测试鞋业有限公司", q_code, "青阳街道", "鞋业", 50, "", ""],
        ["晋江市梅岭办件测试服装有限公司", m_code, "梅岭街道", "服装", 30, "", ""],
    ]), "e.csv")
    rows = []
    for name, body, phone, code in [("王芳", "35058219900101002", "13600000001", q_code),
                                    ("李强", "35058219850505003", "13600000002", q_code),
                                    ("张伟", "35058219920202004", "13600000003", m_code)]:
        rows.append([name, body + check_char(body), phone, code, "", "", "", ""])
    result = WorkerImporter(scope=city["jinjiang"]).run(csv_bytes(WORKER_HEADER, rows), "w.csv")
    assert result.created == 3, result.errors
    return {w.name: w for w in Worker.objects.select_related("org", "enterprise").filter(name__in=["王芳", "李强", "张伟"])}


@pytest.fixture
def worker_user(people):
    """Sign-ins of the workers, bound to their records (as /m/ binding leaves them)."""
    from gonghui.orgs.models import Org

    def _make(name: str):
        worker = people[name]
        user = get_user_model().objects.filter(username=worker.phone).first()
        if user is None:
            user = get_user_model().objects.create_user(worker.phone, password="Worker#2026pw", name=name,
                                                        must_change_password=False)
            WorkerAccount.objects.create(user=user, worker=worker, status=BindingStatus.BOUND, name=name,
                                         id_enc=worker.id_enc, id_bidx=worker.id_bidx,
                                         town=Org.objects.get(path=worker.org.path[:8]))
        return user

    return _make


@pytest.fixture
def today(monkeypatch):
    """Set the date the services see (noon, Beijing time)."""
    import datetime as dt

    from django.utils import timezone

    def _set(day: dt.date):
        moment = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return day

    return _set


@pytest.fixture(autouse=True)
def _audit_anchors(tmp_path, monkeypatch):
    """Each test anchors the audit chain in a file of its own (the chains of parallel tests differ)."""
    monkeypatch.setenv("GONGHUI_AUDIT_ANCHORS", str(tmp_path / "audit-anchors.log"))


# --- the demo city on the command line, seeded once ---------------------------------------------------------
# Seeding the demo takes a minute; the command-line tests (backup and restore, key rotation, the registry's
# commands) each need their own copy of it to change. They are one xdist group (`make test` runs
# `--dist loadgroup`), so one worker seeds a template folder once and each test copies it.

DEMO_GROUP = "demo_seed"


def cli_env(data, database_url: str | None = None) -> dict:
    """The environment of a `python -m gonghui` subprocess on its own data folder (its SQLite file unless a
    database is given), without the test run's own settings."""
    import os

    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "GONGHUI_TASKS", "GONGHUI_AUDIT_ANCHORS",
                        "GONGHUI_PII_KEY", "GONGHUI_PII_KEY_ID", "GONGHUI_PII_KEY_PREVIOUS", "GONGHUI_AUDIT_KEY_V1"}}
    env.update({"GONGHUI_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@pytest.fixture(scope="session")
def seeded_demo(tmp_path_factory):
    """A data folder with the demo city seeded on SQLite (do not change it: copy it with ``demo_copy``)."""
    import subprocess
    import sys

    path = tmp_path_factory.mktemp("seeded-demo")
    done = subprocess.run([sys.executable, "-m", "gonghui", "seed", "--scale", "demo"], env=cli_env(path),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return path


@pytest.fixture
def demo_copy(seeded_demo):
    """A copy of the seeded demo's data folder (database, keys, attachments, anchors) at ``target``."""
    import shutil

    def _copy(target):
        shutil.copytree(seeded_demo, target, dirs_exist_ok=True)
        return target

    return _copy
