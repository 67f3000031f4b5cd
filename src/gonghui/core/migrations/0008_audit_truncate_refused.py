"""On PostgreSQL TRUNCATE of the audit log is refused by a statement trigger (the row trigger of 0003 does
not see it). Pruning past the retention period deletes rows, which that trigger allows.

The test suite's flush between transactional tests truncates every table: it sets
``gonghui.audit_truncate = 'allowed'`` for its own transaction (tests/conftest.py). Whoever can set that can
also drop the trigger (the database's owner); the anchors outside the database catch what they do."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION core_auditlog_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('gonghui.audit_truncate', true) = 'allowed' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'core_auditlog is append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditlog_no_truncate ON core_auditlog;
CREATE TRIGGER core_auditlog_no_truncate BEFORE TRUNCATE ON core_auditlog
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditlog_no_truncate();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditlog_no_truncate ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_no_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_key_version")]
    operations = [migrations.RunPython(forward, backward)]
