"""Append-only in the database too: triggers refuse changes to audit entries.

Allowed: nulling ``actor`` when a user is deleted (``on_delete=SET_NULL``; ``actor_username`` keeps
who it was), and anything while an ``audit_auditunlock`` row exists — only the anonymising
transaction inserts one, and deletes it before it commits. PostgreSQL also refuses DELETE (its
test flush uses TRUNCATE, which fires no row trigger); SQLite refuses UPDATE (Django's flush there
deletes rows).
"""

from django.db import migrations

UNCHANGED = ["at", "actor_username", "via", "method", "path", "action", "object_type", "object_id",
             "label", "changes"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_auditunlock) THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_auditentry' AND NEW.actor_id IS NULL
       AND ({unchanged}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (%% on %%)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""".format(unchanged=" AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in UNCHANGED))

SQLITE_TRIGGER = """
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_auditentry
WHEN NOT EXISTS (SELECT 1 FROM audit_auditunlock)
 AND NOT (NEW.actor_id IS NULL AND {unchanged})
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
""".format(unchanged=" AND ".join(f"NEW.{c} IS OLD.{c}" for c in UNCHANGED))


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in ("audit_auditentry", "audit_auditperson"):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)
        schema_editor.execute(
            "CREATE TRIGGER audit_person_append_only BEFORE UPDATE ON audit_auditperson "
            "WHEN NOT EXISTS (SELECT 1 FROM audit_auditunlock) "
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in ("audit_auditentry", "audit_auditperson"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only")
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_person_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_unlock")]

    operations = [migrations.RunPython(forwards, backwards)]
