from django.db import migrations, models

# One chain per organisation (DESIGN invariant 2): a single global chain caps inserts.
CREATE = """
CREATE TABLE audit_entry (
    id bigint GENERATED ALWAYS AS IDENTITY,
    at timestamptz NOT NULL,
    chain text NOT NULL,
    seq bigint NOT NULL,
    prev_hash char(64) NOT NULL,
    hash char(64) NOT NULL,
    user_id bigint,
    staff_id bigint,
    staff_name text NOT NULL,
    organisation_id bigint,
    organisation_name text NOT NULL,
    unit_id bigint,
    unit_name text NOT NULL,
    role text NOT NULL,
    action text NOT NULL,
    outcome text NOT NULL,
    child_id bigint,
    object_type text NOT NULL,
    object_id text NOT NULL,
    purpose text NOT NULL,
    basis jsonb NOT NULL,
    detail jsonb NOT NULL,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE INDEX audit_entry_chain_seq ON audit_entry (chain, seq);
CREATE INDEX audit_entry_child_at ON audit_entry (child_id, at DESC);
CREATE INDEX audit_entry_org_at ON audit_entry (organisation_id, at DESC);

CREATE TABLE audit_chainhead (
    chain text PRIMARY KEY,
    seq bigint NOT NULL,
    hash char(64) NOT NULL
);

-- Creates the month's partition if it is missing; an advisory lock keeps two creators apart.
CREATE FUNCTION audit_ensure_partition(ts timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    first_day date := date_trunc('month', ts AT TIME ZONE 'UTC')::date;
    name text := format('audit_entry_y%sm%s', to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('audit_ensure_partition'));
    IF to_regclass(name) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF audit_entry FOR VALUES FROM (%L) TO (%L)',
            name,
            (first_day::timestamp AT TIME ZONE 'UTC'),
            ((first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC')
        );
    END IF;
END $$;

SELECT audit_ensure_partition(now());
SELECT audit_ensure_partition(now() + interval '1 month');

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

DROP = """
DROP TABLE audit_entry;
DROP TABLE audit_chainhead;
DROP FUNCTION audit_ensure_partition(timestamptz);
DROP FUNCTION audit_refuse_change();
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(CREATE, DROP)],
            state_operations=[
                migrations.CreateModel(
                    name="Entry",
                    fields=[
                        ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("at", models.DateTimeField(verbose_name="time")),
                        ("chain", models.TextField()),
                        ("seq", models.BigIntegerField()),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64)),
                        ("user_id", models.BigIntegerField(null=True)),
                        ("staff_id", models.BigIntegerField(null=True)),
                        ("staff_name", models.TextField(verbose_name="who")),
                        ("organisation_id", models.BigIntegerField(null=True)),
                        ("organisation_name", models.TextField(verbose_name="organisation")),
                        ("unit_id", models.BigIntegerField(null=True)),
                        ("unit_name", models.TextField(verbose_name="unit")),
                        ("role", models.TextField(verbose_name="role")),
                        ("action", models.TextField(verbose_name="action")),
                        ("outcome", models.TextField(verbose_name="outcome")),
                        ("child_id", models.BigIntegerField(null=True)),
                        ("object_type", models.TextField()),
                        ("object_id", models.TextField()),
                        ("purpose", models.TextField(verbose_name="purpose")),
                        ("basis", models.JSONField(verbose_name="ground")),
                        ("detail", models.JSONField()),
                    ],
                    options={
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit entries",
                        "db_table": "audit_entry",
                        "managed": False,
                    },
                ),
                migrations.CreateModel(
                    name="ChainHead",
                    fields=[
                        ("chain", models.TextField(primary_key=True, serialize=False)),
                        ("seq", models.BigIntegerField()),
                        ("hash", models.CharField(max_length=64)),
                    ],
                    options={"db_table": "audit_chainhead", "managed": False},
                ),
            ],
        )
    ]
