from django.db import migrations

# docs/adr/0010: an organisation's rows go into up to 32 chains (stripes), and the database
# links each row as it is inserted, so an append is one statement and 16 writers of one
# organisation no longer queue behind one chain head.
CREATE = """
-- The hash of a link written by the database: SHA-256 over the previous hash and the row as a
-- JSON array in column order (time as integer microseconds since the epoch, so no session
-- setting changes the text). `audit verify` recomputes it with this same function.
CREATE FUNCTION audit_link_hash(
    prev_hash text, at timestamptz, chain text, seq bigint, user_id bigint, staff_id bigint,
    staff_name text, organisation_id bigint, organisation_name text, unit_id bigint,
    unit_name text, role text, action text, outcome text, child_id bigint, object_type text,
    object_id text, purpose text, basis jsonb, detail jsonb
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(prev_hash || json_build_array(
        (extract(epoch FROM at) * 1000000)::bigint, chain, seq, user_id, staff_id, staff_name,
        organisation_id, organisation_name, unit_id, unit_name, role, action, outcome, child_id,
        object_type, object_id, purpose, basis, detail
    )::text, 'UTF8')), 'hex')
$$;

-- Rows of the chains before 0003 (one per organisation, named without a stripe) were hashed in
-- Python over json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False). These two
-- functions rebuild that text, so one verify in SQL covers the old chains too.
CREATE FUNCTION audit_canonical_v1(value jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    CASE jsonb_typeof(value)
    WHEN 'object' THEN
        RETURN '{' || coalesce((
            SELECT string_agg(to_json(key)::text || ':' || audit_canonical_v1(item), ','
                              ORDER BY key COLLATE "C")
            FROM jsonb_each(value) AS member(key, item)), '') || '}';
    WHEN 'array' THEN
        RETURN '[' || coalesce((
            SELECT string_agg(audit_canonical_v1(item), ',' ORDER BY position)
            FROM jsonb_array_elements(value) WITH ORDINALITY AS element(item, position)), '') || ']';
    ELSE
        RETURN value::text;
    END CASE;
END $$;

CREATE FUNCTION audit_link_hash_v1(
    prev_hash text, at timestamptz, chain text, seq bigint, user_id bigint, staff_id bigint,
    staff_name text, organisation_id bigint, organisation_name text, unit_id bigint,
    unit_name text, role text, action text, outcome text, child_id bigint, object_type text,
    object_id text, purpose text, basis jsonb, detail jsonb
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(prev_hash
        || '{"action":' || to_json(action)::text
        || ',"at":"' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN extract(microseconds FROM at)::bigint % 1000000 = 0 THEN ''
                ELSE to_char(at AT TIME ZONE 'UTC', '.US') END || '+00:00"'
        || ',"basis":' || audit_canonical_v1(basis)
        || ',"chain":' || to_json(chain)::text
        || ',"child_id":' || coalesce(child_id::text, 'null')
        || ',"detail":' || audit_canonical_v1(detail)
        || ',"object_id":' || to_json(object_id)::text
        || ',"object_type":' || to_json(object_type)::text
        || ',"organisation_id":' || coalesce(organisation_id::text, 'null')
        || ',"organisation_name":' || to_json(organisation_name)::text
        || ',"outcome":' || to_json(outcome)::text
        || ',"purpose":' || to_json(purpose)::text
        || ',"role":' || to_json(role)::text
        || ',"seq":' || seq::text
        || ',"staff_id":' || coalesce(staff_id::text, 'null')
        || ',"staff_name":' || to_json(staff_name)::text
        || ',"unit_id":' || coalesce(unit_id::text, 'null')
        || ',"unit_name":' || to_json(unit_name)::text
        || ',"user_id":' || coalesce(user_id::text, 'null')
        || '}', 'UTF8')), 'hex')
$$;

-- Links every inserted row: whatever chain, seq and hashes the INSERT names are replaced. The
-- transaction takes one stripe of its owner (organisation or system) for its whole length:
-- first a free one, starting from a stripe chosen by its backend so writers spread out without
-- a queue; if all are taken it waits for its own. An advisory lock rather than the head's row
-- lock, because a busy head must be skipped, not waited for. The stripe taken is remembered for
-- the transaction (a local setting), so its later rows follow in the same chain.
CREATE FUNCTION audit_entry_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stripes constant int := 32;
    owner text := CASE WHEN NEW.organisation_id IS NULL THEN 'system'
                       ELSE 'org:' || NEW.organisation_id END;
    held text := 'samsyn.audit_' || translate(owner, ':-', '_n');
    link text := nullif(current_setting(held, true), '');
    first int;
    stripe int;
BEGIN
    IF link IS NULL THEN
        first := pg_backend_pid() % stripes;
        FOR step IN 0 .. stripes - 1 LOOP
            stripe := (first + step) % stripes;
            IF pg_try_advisory_xact_lock(hashtextextended('audit:' || owner || '/' || stripe, 0))
            THEN
                link := owner || '/' || stripe;
                EXIT;
            END IF;
        END LOOP;
        IF link IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || owner || '/' || first, 0));
            link := owner || '/' || first;
        END IF;
        PERFORM set_config(held, link, true);
    END IF;
    NEW.chain := link;
    -- One statement moves the head and hashes the link from the head's old hash: the joined
    -- copy of the head is read as the statement began, so RETURNING gives the old hash on every
    -- PostgreSQL a DATABASE_URL may name (18's RETURNING old would not run on 15). Only this
    -- transaction writes the stripe: it holds the stripe's lock. A stripe's first row inserts
    -- its head.
    UPDATE audit_chainhead head SET seq = head.seq + 1, hash = audit_link_hash(
        head.hash, NEW.at, link, head.seq + 1, NEW.user_id, NEW.staff_id, NEW.staff_name,
        NEW.organisation_id, NEW.organisation_name, NEW.unit_id, NEW.unit_name, NEW.role,
        NEW.action, NEW.outcome, NEW.child_id, NEW.object_type, NEW.object_id, NEW.purpose,
        NEW.basis, NEW.detail)
    FROM audit_chainhead before
    WHERE head.chain = link AND before.chain = link
    RETURNING head.seq, before.hash, head.hash
        INTO NEW.seq, NEW.prev_hash, NEW.hash;
    IF NOT FOUND THEN
        NEW.seq := 1;
        NEW.prev_hash := repeat('0', 64);
        NEW.hash := audit_link_hash(
            NEW.prev_hash, NEW.at, link, 1, NEW.user_id, NEW.staff_id, NEW.staff_name,
            NEW.organisation_id, NEW.organisation_name, NEW.unit_id, NEW.unit_name, NEW.role,
            NEW.action, NEW.outcome, NEW.child_id, NEW.object_type, NEW.object_id, NEW.purpose,
            NEW.basis, NEW.detail);
        INSERT INTO audit_chainhead (chain, seq, hash) VALUES (link, 1, NEW.hash);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER audit_entry_link BEFORE INSERT ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_link();
"""

DROP = """
DROP TRIGGER audit_entry_link ON audit_entry;
DROP FUNCTION audit_entry_link();
DROP FUNCTION audit_link_hash_v1(text, timestamptz, text, bigint, bigint, bigint, text, bigint,
    text, bigint, text, text, text, text, bigint, text, text, text, jsonb, jsonb);
DROP FUNCTION audit_canonical_v1(jsonb);
DROP FUNCTION audit_link_hash(text, timestamptz, text, bigint, bigint, bigint, text, bigint,
    text, bigint, text, text, text, text, bigint, text, text, text, jsonb, jsonb);
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_child_list_index")]
    operations = [migrations.RunSQL(CREATE, DROP)]
