"""The log's own retention (docs/adr/0014): whole months of the log are retired once the period
the log is kept has run, and each chain is sealed at the cut by a checkpoint, so `audit verify`
starts there instead of at the genesis. Named for the lead to renumber after the other audit
migrations on merge; it depends on nothing they change."""

from django.db import migrations

CREATE = """
-- One row per chain that lost its first links: the seq and hash of the last link retired. The
-- next kept link's prev_hash must be that hash, so a changed checkpoint breaks the chain too.
CREATE TABLE audit_checkpoint (
    chain text PRIMARY KEY,
    seq bigint NOT NULL,
    hash char(64) NOT NULL,
    cut timestamptz NOT NULL,
    sealed_at timestamptz NOT NULL DEFAULT now()
);

-- A checkpoint only moves forward, with the cut: never deleted, never moved back.
CREATE FUNCTION audit_checkpoint_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.chain <> OLD.chain OR NEW.seq <= OLD.seq OR NEW.cut <= OLD.cut
    THEN
        RAISE EXCEPTION 'audit checkpoints only move forward: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_checkpoint_forward BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_forward();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- The months whose partitions end on or before `cut`, retired in one transaction: each chain
-- with rows in them is sealed at its last link there, then the partitions are detached and
-- dropped. Refused when a retired row is not among its chain's first links (a transaction that
-- stamped its row before midnight and linked it after a row of the next month): the month then
-- waits until the next one is due too. Returns the rows retired.
CREATE FUNCTION audit_retire_months(cut timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    parts regclass[];
    part regclass;
    bound timestamptz;
    retired bigint;
BEGIN
    -- No partition is made meanwhile, and two retirements never overlap.
    PERFORM pg_advisory_xact_lock(hashtext('audit_ensure_partition'));
    SELECT array_agg(months.part ORDER BY months.upper), max(months.upper)
        INTO parts, bound
    FROM (
        SELECT c.oid::regclass AS part,
            make_timestamptz(substring(c.relname FROM '_y([0-9]{4})m')::int,
                             substring(c.relname FROM 'm([0-9]{2})$')::int, 1, 0, 0, 0, 'UTC')
                + interval '1 month' AS upper
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_entry'::regclass
    ) months
    WHERE months.upper <= cut;
    IF parts IS NULL THEN
        RETURN 0;
    END IF;
    CREATE TEMP TABLE audit_retiring ON COMMIT DROP AS
        SELECT chain, max(seq) AS seq, count(*) AS rows FROM audit_entry
        WHERE at < bound GROUP BY chain;
    IF EXISTS (
        SELECT 1 FROM audit_retiring r
        LEFT JOIN audit_checkpoint c ON c.chain = r.chain
        WHERE r.rows <> r.seq - coalesce(c.seq, 0)
           OR EXISTS (SELECT 1 FROM audit_entry e
                      WHERE e.chain = r.chain AND e.seq < r.seq AND e.at >= bound)
    ) THEN
        RAISE EXCEPTION 'audit months before % are not each chain''s first links', bound
            USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO audit_checkpoint (chain, seq, hash, cut)
        SELECT e.chain, e.seq, e.hash, bound
        FROM audit_entry e JOIN audit_retiring r ON r.chain = e.chain AND r.seq = e.seq
        WHERE e.at < bound
    ON CONFLICT (chain) DO UPDATE
        SET seq = excluded.seq, hash = excluded.hash, cut = excluded.cut, sealed_at = now();
    SELECT coalesce(sum(rows), 0) INTO retired FROM audit_retiring;
    FOREACH part IN ARRAY parts LOOP
        EXECUTE format('ALTER TABLE audit_entry DETACH PARTITION %s', part);
        EXECUTE format('DROP TABLE %s', part);
    END LOOP;
    DROP TABLE audit_retiring;
    RETURN retired;
END $$;
"""

DROP = """
DROP FUNCTION audit_retire_months(timestamptz);
DROP TABLE audit_checkpoint;
DROP FUNCTION audit_checkpoint_forward();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_log_review")]
    operations = [migrations.RunSQL(CREATE, DROP)]
