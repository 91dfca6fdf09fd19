-- Imports from health, identity and education systems; linkage of their records to persons;
-- the data steward's review queue; school records; retraction of evidence linked by mistake.

-- One file imported once: the same file (kind and SHA-256) is the same batch, so a second run
-- resumes an interrupted import or answers that it is done.
CREATE TABLE import_batch (
  id                uuid PRIMARY KEY,
  kind              text NOT NULL CHECK (kind IN ('health', 'fhir', 'births', 'school')),
  file_name         text NOT NULL,
  file_sha256       text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  file_bytes        bigint NOT NULL CHECK (file_bytes >= 0),
  format            text NOT NULL CHECK (format IN ('csv', 'xlsx', 'bundle', 'ndjson')),
  encoding          text,
  delimiter         text,
  -- The column layout used (the documented one or the mapping file's), for the record.
  layout            jsonb,
  status            text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  actor_kind        text NOT NULL CHECK (actor_kind IN ('user', 'token', 'system')),
  actor_id          uuid,
  actor_name        text,
  started_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  -- Every line up to this one is stored (records, issues, held rows): a rerun starts after it.
  lines_done        integer NOT NULL DEFAULT 0,
  lines_total       integer,
  rows_read         integer NOT NULL DEFAULT 0,
  rows_imported     integer NOT NULL DEFAULT 0,
  rows_duplicate    integer NOT NULL DEFAULT 0,
  rows_rejected     integer NOT NULL DEFAULT 0,
  rows_review       integer NOT NULL DEFAULT 0,
  rows_unmatched    integer NOT NULL DEFAULT 0,
  linked_by_document    integer NOT NULL DEFAULT 0,
  linked_by_attributes  integer NOT NULL DEFAULT 0,
  persons_touched   integer NOT NULL DEFAULT 0,
  statuses_refreshed_at timestamptz,
  error             text
);
CREATE UNIQUE INDEX import_batch_file_key ON import_batch (kind, file_sha256);
CREATE INDEX import_batch_started_idx ON import_batch (started_at DESC);
COMMENT ON TABLE import_batch IS 'One imported file: who, when, its hash, counts, and how far it got (lines_done) so that a rerun resumes it.';

-- Every row or resource that was not stored, with why. Rows of a batch's committed lines only.
CREATE TABLE import_issue (
  batch_id  uuid NOT NULL REFERENCES import_batch (id),
  line      integer NOT NULL,
  field     text,
  code      text NOT NULL CHECK (code IN ('MISSING', 'INVALID', 'UNMAPPED_CODE', 'NOT_FOUND', 'UNSUPPORTED',
                                         'DUPLICATE', 'CONFLICT')),
  reason    text NOT NULL,
  value     text,
  resource  text
);
-- Which import brought a record in (NULL: typed by hand), so a whole batch can be traced.
ALTER TABLE evidence ADD COLUMN import_batch_id uuid;

CREATE INDEX import_issue_batch_idx ON import_issue (batch_id, line);

-- A record that could not be linked at once: kept, with what it says, until a data steward links
-- it (review) or a later import or registry change lets it be linked (unmatched).
CREATE TABLE import_record (
  id           uuid PRIMARY KEY,
  batch_id     uuid NOT NULL REFERENCES import_batch (id),
  line         integer NOT NULL,
  status       text NOT NULL CHECK (status IN ('review', 'unmatched', 'linked', 'dismissed')),
  -- Who the record is about (IncomingPerson) and what it says (evidence, school or birth).
  person       jsonb NOT NULL,
  payload      jsonb NOT NULL,
  -- The best candidates when it was scored: [{ personId, weight, reasons: [{ field, outcome, weight }] }].
  candidates   jsonb NOT NULL DEFAULT '[]',
  best_weight  double precision,
  -- The territory it was taken in, for the steward's scope.
  territory_code text,
  person_id    uuid,
  -- When attribute linkage last scored it (NULL: not yet; an interrupted import scores it on rerun).
  scored_at    timestamptz,
  decided_by   uuid,
  decided_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
-- Not unique: one FHIR resource (one line) may hold several records.
CREATE INDEX import_record_batch_idx ON import_record (batch_id, line);
CREATE INDEX import_record_open_idx ON import_record (status, best_weight DESC) WHERE status IN ('review', 'unmatched');

-- Links of outside records to persons and their reversal: who decided, how, with what score.
CREATE TABLE record_link (
  id              uuid PRIMARY KEY,
  import_record_id uuid NOT NULL REFERENCES import_record (id),
  person_id       uuid NOT NULL,
  method          text NOT NULL CHECK (method IN ('steward', 'attributes')),
  weight          double precision,
  evidence_ids    uuid[] NOT NULL DEFAULT '{}',
  linked_by       uuid,
  linked_at       timestamptz NOT NULL DEFAULT now(),
  reverted_by     uuid,
  reverted_at     timestamptz,
  revert_reason   text
);
CREATE INDEX record_link_record_idx ON record_link (import_record_id);

-- Likely duplicate persons already in the registry (tejido dedupe), for the same queue.
CREATE TABLE duplicate_pair (
  id           uuid PRIMARY KEY,
  person_a     uuid NOT NULL,
  person_b     uuid NOT NULL CHECK (person_a < person_b),
  weight       double precision NOT NULL,
  reasons      jsonb NOT NULL,
  status       text NOT NULL CHECK (status IN ('open', 'same_person', 'distinct')),
  territory_code text,
  decided_by   uuid,
  decided_at   timestamptz,
  decision_note text,
  found_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (person_a, person_b)
);
CREATE INDEX duplicate_pair_open_idx ON duplicate_pair (status, weight DESC) WHERE status = 'open';

-- Evidence stays append-only; a record linked to the wrong person is retracted, which takes it
-- out of the person's evaluation and digest, and the retraction can itself be seen and dated.
CREATE TABLE evidence_retraction (
  evidence_id   uuid PRIMARY KEY REFERENCES evidence (id),
  person_id     uuid NOT NULL,
  reason        text NOT NULL,
  link_id       uuid REFERENCES record_link (id),
  retracted_by  uuid,
  retracted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_retraction_person_idx ON evidence_retraction (person_id);

CREATE FUNCTION evidence_digest_rebuild_retracted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE evidence_digest d
     SET records = coalesce((
           SELECT string_agg(evidence_digest_record(e), ';')
             FROM evidence e
            WHERE e.person_id = d.person_id
              AND NOT EXISTS (SELECT 1 FROM evidence_retraction r WHERE r.evidence_id = e.id)), ''),
         changed_at = now()
   WHERE d.person_id IN (SELECT DISTINCT person_id FROM retracted);
  RETURN NULL;
END
$$;
CREATE TRIGGER evidence_retraction_digest AFTER INSERT ON evidence_retraction
  REFERENCING NEW TABLE AS retracted
  FOR EACH STATEMENT EXECUTE FUNCTION evidence_digest_rebuild_retracted();

CREATE FUNCTION evidence_retraction_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a retraction is final: record the evidence again if it was right';
END
$$;
CREATE TRIGGER evidence_retraction_no_update BEFORE UPDATE OR DELETE ON evidence_retraction
  FOR EACH ROW EXECUTE FUNCTION evidence_retraction_final();

-- School enrolment and attendance per period, from the education system.
CREATE TABLE school_record (
  id               uuid PRIMARY KEY,
  person_id        uuid NOT NULL,
  household_id     uuid NOT NULL,
  school_code      text NOT NULL,
  institution_id   uuid REFERENCES institution (id),
  period           text NOT NULL CHECK (period ~ '^[0-9]{4}(-(0[1-9]|1[0-2]))?$'),
  grade            text,
  enrolled         boolean NOT NULL,
  attendance_days  smallint CHECK (attendance_days >= 0),
  school_days      smallint CHECK (school_days > 0 AND school_days <= 366),
  source_ref       text NOT NULL UNIQUE,
  batch_id         uuid REFERENCES import_batch (id),
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (attendance_days IS NULL OR school_days IS NULL OR attendance_days <= school_days)
);
CREATE INDEX school_record_person_idx ON school_record (person_id, period);
COMMENT ON TABLE school_record IS 'Enrolment and attendance of a person in a school for a year or month, as the education system reported it. Append-only like evidence.';

-- A duplicate person confirmed by the data steward is merged into the other: their evidence is
-- copied to the survivor (the copies are listed, so that the merge can be reverted by
-- retracting them) and they stay in the registry as 'merged', pointing at the survivor.
ALTER TABLE person DROP CONSTRAINT person_status_check;
ALTER TABLE person ADD CONSTRAINT person_status_check CHECK (status IN ('active', 'moved_out', 'deceased', 'merged'));
ALTER TABLE person ADD COLUMN merged_into uuid REFERENCES person (id);
ALTER TABLE duplicate_pair ADD COLUMN survivor uuid;
ALTER TABLE duplicate_pair ADD COLUMN merged_status text;
ALTER TABLE duplicate_pair ADD COLUMN copied_evidence_ids uuid[] NOT NULL DEFAULT '{}';

-- A large import defers its evidence's digest (migration 0003) to one set-based append when it
-- has stored everything, instead of rewriting half a million digests batch by batch. Its
-- transactions say so with the setting tejido.defer_digest; the batch is listed here until its
-- digest is appended, so that a recompute can complete the digest of an import that died.
CREATE OR REPLACE FUNCTION evidence_digest_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('tejido.defer_digest', true) = 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO evidence_digest AS d (person_id, records)
  SELECT n.person_id, string_agg(evidence_digest_record(n), ';')
    FROM inserted n
   GROUP BY n.person_id
   ORDER BY n.person_id
  ON CONFLICT (person_id) DO UPDATE SET records = d.records || ';' || excluded.records, changed_at = now();
  RETURN NULL;
END
$$;
CREATE TABLE evidence_digest_deferred (
  batch_id     uuid PRIMARY KEY,
  -- The advisory lock the import holds while it runs (hashtext of this text).
  lock_key     text NOT NULL,
  deferred_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_import_batch_idx ON evidence (import_batch_id) WHERE import_batch_id IS NOT NULL;

-- Evidence no longer checks its person with a foreign key. Every writer looks the person up
-- first (the API in the caller's scope, imports by identity number or linkage), and persons are
-- never deleted; meanwhile the key took a share lock on the person's row for every record
-- inserted, a third of the cost of a bulk import, and contended with registry edits (decision 0008).
ALTER TABLE evidence DROP CONSTRAINT evidence_person_id_fkey;
