"""The audit trail: append-only, chained, verified; fail closed."""

import datetime as dt
import itertools
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditLog


def write(n=5, actor=None):
    return [audit.record(actor=actor, action="test.action", object_type="x", object_id=str(i),
                         summary=f"第{i}条", changes={"before": {"phone": "138****1234"}, "after": {"n": i}})
            for i in range(n)]


def test_records_are_chained_in_sequence(db):
    rows = write(4)
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == "" and all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert audit.verify().ok and audit.verify().checked == 4


def test_the_orm_refuses_to_change_or_delete(db):
    row = write(1)[0]
    row.summary = "改过"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.update(summary="x")


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_update_and_delete_in_the_database(db):
    write(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("UPDATE core_auditlog SET summary = 'x'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw("DELETE FROM core_auditlog")
    assert AuditLog.objects.count() == 2


def _tamper(sql, params=()):
    """What an intruder with the database's owner rights could do."""
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE core_auditlog DISABLE TRIGGER core_auditlog_append_only")
    _raw(sql, params)
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE core_auditlog ENABLE TRIGGER core_auditlog_append_only")


def test_verify_finds_a_deleted_row(db):
    rows = write(5)
    _tamper("DELETE FROM core_auditlog WHERE seq = %s", [rows[2].seq])
    result = audit.verify()
    assert not result.ok
    assert any("missing" in p for p in result.problems) and any("does not link" in p for p in result.problems)


def test_verify_finds_an_altered_row(db):
    rows = write(5)
    _tamper("UPDATE core_auditlog SET summary = %s WHERE seq = %s", ["无害的摘要", rows[1].seq])
    result = audit.verify()
    assert result.problems == [f"seq {rows[1].seq}: content does not match its hash (altered?)"]


def test_verify_finds_a_deleted_first_row(db):
    write(3)
    _tamper("DELETE FROM core_auditlog WHERE seq = 1")
    assert not audit.verify().ok


def test_the_command_exits_1_on_a_broken_chain(db, capsys):
    rows = write(3)
    call_command("audit", "verify")
    assert "链路无断点" in capsys.readouterr().out
    _tamper("UPDATE core_auditlog SET action = 'x' WHERE seq = %s", [rows[0].seq])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1


def test_prune_keeps_184_days_and_the_chain_stays_verifiable(db, monkeypatch):
    old = timezone.now() - dt.timedelta(days=200)
    with monkeypatch.context() as m:  # two records written 200 days ago, as time would have it
        m.setattr(timezone, "now", lambda: old)
        write(2)
    write(2)
    with pytest.raises(ValueError, match="184"):
        audit.prune(actor=None, before=timezone.now() - dt.timedelta(days=100))
    assert audit.prune(actor=None, before=timezone.now() - dt.timedelta(days=190)) == 2
    assert AuditLog.objects.count() == 3  # the two recent ones and the prune record itself
    assert audit.verify().ok, audit.verify().problems
    assert AuditLog.objects.filter(action="audit.prune").exists()


def test_an_action_fails_when_its_audit_record_cannot_be_written(staff, monkeypatch):
    """Fail closed: revealing a number without being able to log it reveals nothing."""
    from gonghui.registry.models import Worker  # noqa: F401

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(AuditLog, "save", broken)
    from gonghui.orgs import services
    from gonghui.orgs.models import ServiceCentre

    centre = ServiceCentre.objects.get(name="青阳街道职工服务中心")
    with pytest.raises(DatabaseError):
        services.centre_update(actor=staff["admin"], centre=centre, phone="0595-00000000")
    assert ServiceCentre.objects.get(pk=centre.pk).phone != "0595-00000000"


def test_verify_runs_from_the_command_line(tmp_path):
    env_code = ("from gonghui.core import audit; [audit.record(actor=None, action='t') for _ in range(3)];"
                "print(audit.verify().ok)")
    import os

    env = {**{k: v for k, v in os.environ.items()
              if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "GONGHUI_TASKS"}},
           "GONGHUI_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "gonghui", "migrate", "-v0"], env=env, check=True)
    done = subprocess.run([sys.executable, "-m", "gonghui", "shell", "-c", env_code], env=env,
                          capture_output=True, text=True)
    assert done.stdout.strip().endswith("True")
    verify = subprocess.run([sys.executable, "-m", "gonghui", "audit", "verify"], env=env, capture_output=True,
                            text=True)
    assert verify.returncode == 0 and "校验 3 条" in verify.stdout


def test_the_audit_administrator_searches_and_exports(client, staff, second_factor):

    audit.record(actor=staff["qingyang_staff"], action="registry.reveal_id_number", object_type="registry.worker",
                 object_id="42", summary="查看某人的完整身份证号")
    audit.record(actor=staff["meiling_staff"], action="orgs.centre_update", object_id="7", summary="修改")
    client.force_login(staff["admin"])  # the system administrator reads no audit log
    second_factor(client, staff["admin"])
    assert client.get("/desk/audit/").status_code == 403
    auditor = staff["auditor"]
    client.force_login(auditor)
    second_factor(client, auditor)
    page = client.get("/desk/audit/", {"person": "qingyang_staff", "action": "registry."}).content.decode()
    assert "查看某人的完整身份证号" in page and "修改" not in page.split("data-testid=\"audit\"")[1]
    assert 'href="/desk/audit/"' in client.get("/desk/").content.decode()  # the nav shows it to the auditor
    bad = client.get("/desk/audit/", {"since": "2026-13-01"}).content.decode()
    assert "格式应为" in bad
    export = client.get("/desk/audit/export.xlsx", {"object": "42"})
    import io

    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True))
    assert [r[6] for r in rows] == ["42"]
    assert AuditLog.objects.filter(action="audit.export", actor=auditor).exists()
    assert audit.verify().ok
    client.force_login(staff["qingyang_staff"])
    assert 'href="/desk/audit/"' not in client.get("/desk/").content.decode()


def test_rows_written_before_the_chain_existed_are_chained_by_the_migration(transactional_db):
    """An installation upgraded from before the hash chain: its old rows get sequence numbers and hashes."""
    call_command("migrate", "core", "0001", verbosity=0)
    try:
        with connection.cursor() as cursor:
            for i in range(3):
                cursor.execute(
                    "INSERT INTO core_auditlog (at, actor_label, action, object_type, object_id, summary, changes) "
                    "VALUES (%s, %s, %s, '', '', %s, %s)",
                    [timezone.now(), "system", "old.action", f"旧记录{i}", "{}"])
    finally:
        call_command("migrate", verbosity=0)
    assert list(AuditLog.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]
    audit.record(actor=None, action="new.action")
    result = audit.verify()
    assert result.ok and result.checked == 4, result.problems


# --- issue 23, finding 2: truncation, anchors, a key of its own ----------------------------------------------

def test_deleting_the_newest_rows_is_found_by_the_anchor(db):
    rows = write(6)
    assert audit.verify().ok  # and anchors the head: seq 6
    assert audit.latest_anchor()["seq"] == rows[-1].seq
    _tamper("DELETE FROM core_auditlog WHERE seq > %s", [rows[3].seq])
    result = audit.verify()
    assert result.problems == [f"seq 5–6: missing after the anchor of {audit.latest_anchor()['at']} "
                               "(deleted or truncated?)"]


def test_deleting_every_row_is_found_by_the_anchor(db):
    write(3)
    audit.anchor()
    _tamper("DELETE FROM core_auditlog")
    result = audit.verify()
    assert result.checked == 0 and not result.ok and "missing after the anchor" in result.problems[0]


def test_a_rewritten_and_rehashed_head_is_found_by_the_anchor(db):
    """Whoever has the database and even the personal-data key re-hashes the last row under the old key:
    the anchor outside the database and the key versions see it."""
    rows = write(3)
    audit.anchor()
    head = AuditLog.objects.get(seq=rows[-1].seq)
    head.summary, head.key_version = "改写", 1
    head.hash = audit._digest(head)
    _tamper("UPDATE core_auditlog SET summary = %s, key_version = 1, hash = %s WHERE seq = %s",
            [head.summary, head.hash, head.seq])
    problems = audit.verify().problems
    assert f"seq {head.seq}: written with the retired key after the audit key (re-hashed?)" in problems
    assert f"seq {head.seq}: differs from its anchor (rewritten?)" in problems


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_truncate(db):
    write(2)
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
        _raw("TRUNCATE core_auditlog")
    assert AuditLog.objects.count() == 2


def test_the_chain_has_a_key_of_its_own(db, monkeypatch, settings, tmp_path):
    import base64

    from gonghui.core import pii

    write(1)
    own, derived = audit._chain_key(2), audit._chain_key(1)
    assert own != derived and len(own) == 32
    assert own not in (pii._load_master_key(), pii._keys()[1])
    audit._chain_key.cache_clear()
    key = bytes(range(32))
    monkeypatch.setenv("GONGHUI_AUDIT_KEY", base64.b64encode(key).decode())
    try:
        assert audit._chain_key(2) == key
        assert not audit.verify(anchor_after=False).ok  # the rows were hashed under the other key
    finally:
        audit._chain_key.cache_clear()


def test_the_anchor_is_written_to_its_file_and_log(db, caplog):
    write(2)
    with caplog.at_level("INFO", logger="gonghui.audit.anchor"):
        entry = audit.anchor()
    assert audit.anchors_path().read_text().strip().endswith("}") and entry["seq"] == 2
    assert f"audit anchor seq=2 hash={entry['hash']}" in caplog.text
