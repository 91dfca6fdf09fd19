-- A per-person digest of the evidence: everything the pathway evaluation reads of a person's
-- evidence in one text value, so that a full recompute reads one row per tracked person
-- instead of some thirty evidence rows. Derived data, kept by the trigger below in the
-- transaction that inserts the evidence (append-only, so appending is all it takes).

-- Codes are closed lists (see the evidence schema); the digest's separators cannot occur in them.
ALTER TABLE evidence ADD CONSTRAINT evidence_code_chars CHECK (code ~ '^[A-Za-z0-9_.:-]+$') NOT VALID;

CREATE TABLE evidence_digest (
  person_id  uuid PRIMARY KEY,
  -- Records separated by ';', in no particular order; each is
  -- kind|day|code|dose|weight_kg|length_cm|measured|oedema|hb_gdl with empty fields for nulls,
  -- day being the date as days since 1970-01-01.
  records    text NOT NULL,
  -- When evidence was last added: a recompute re-applies what changed while it ran.
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_digest_changed_idx ON evidence_digest (changed_at);
COMMENT ON TABLE evidence_digest IS 'The evaluation fields of every evidence record of a person in one value (see evidence_digest_record); read by full recomputes. Kept by the trigger evidence_digest_append.';

CREATE FUNCTION evidence_digest_record(e evidence) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT concat(e.kind, '|', e.date - date '1970-01-01', '|', e.code, '|', e.dose, '|', e.weight_kg, '|',
                e.length_cm, '|', e.measured, '|', e.oedema, '|', e.hb_gdl)
$$;

-- One statement-level trigger: a bulk import of many records updates each person's digest once.
CREATE FUNCTION evidence_digest_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO evidence_digest AS d (person_id, records)
  SELECT n.person_id, string_agg(evidence_digest_record(n), ';')
    FROM inserted n
   GROUP BY n.person_id
   -- The same lock order in every transaction: two imports touching the same persons cannot deadlock.
   ORDER BY n.person_id
  ON CONFLICT (person_id) DO UPDATE SET records = d.records || ';' || excluded.records, changed_at = now();
  RETURN NULL;
END
$$;
CREATE TRIGGER evidence_digest_append AFTER INSERT ON evidence
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION evidence_digest_append();

INSERT INTO evidence_digest (person_id, records, changed_at)
SELECT e.person_id, string_agg(evidence_digest_record(e), ';'), max(e.recorded_at)
  FROM evidence e
 GROUP BY e.person_id;
