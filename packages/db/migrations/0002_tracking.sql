-- Nominal tracking: what happened to each child and pregnant woman (evidence), and the status
-- the care pathway gives them (tracking_status), from which rosters are read.

-- Whether a territory lies in the Amazon (yellow-fever vaccination, among others). Set on
-- districts and villages; pathway conditions read it as person.amazon.
ALTER TABLE territory ADD COLUMN amazon boolean NOT NULL DEFAULT false;

-- Append-only: a correction is a new record from the same source. One row per fact.
CREATE TABLE evidence (
  id           uuid PRIMARY KEY,
  person_id    uuid NOT NULL REFERENCES person (id),
  kind         text NOT NULL CHECK (kind IN ('growth_checkup', 'vaccine_dose', 'hemoglobin', 'measurement',
                                             'supplement', 'document_issued', 'insurance_affiliated',
                                             'prenatal_visit', 'prenatal_test', 'prenatal_supplement')),
  date         date NOT NULL,
  code         text,
  dose         smallint CHECK (dose BETWEEN 1 AND 10),
  weight_kg    double precision CHECK (weight_kg > 0 AND weight_kg <= 60),
  length_cm    double precision CHECK (length_cm BETWEEN 35 AND 130),
  measured     text CHECK (measured IN ('lying', 'standing')),
  oedema       boolean,
  hb_gdl       double precision CHECK (hb_gdl BETWEEN 3 AND 25),
  -- WHO's biologically implausible limits, checked when recorded: kept, shown "to be
  -- re-measured", and left out of classification.
  implausible  boolean NOT NULL DEFAULT false,
  source       text NOT NULL CHECK (source IN ('manual', 'his_minsa', 'reniec', 'sis', 'fhir', 'file_import')),
  source_ref   text,
  recorded_by  uuid REFERENCES app_user (id),
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE evidence IS 'What happened to a tracked person (checkup, vaccine dose, hemoglobin, measurement, supplement, document, insurance, prenatal care). Append-only; (source, source_ref) identifies a record of an outside system, so importing it twice stores it once.';
CREATE UNIQUE INDEX evidence_source_ref_key ON evidence (source, source_ref) WHERE source_ref IS NOT NULL;
CREATE INDEX evidence_person_idx ON evidence (person_id, date);

CREATE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'evidence is append-only: record a correction as a new record';
END
$$;
CREATE TRIGGER evidence_no_update BEFORE UPDATE OR DELETE ON evidence
  FOR EACH ROW EXECUTE FUNCTION evidence_append_only();

-- The status of each tracked person as of a date: one row per child under 36 months and per
-- woman with an ongoing pregnancy. Derived data, rebuilt by `tejido recompute` and updated in
-- the transaction that records new evidence. The household's territory, facility and field
-- worker are copied here so that a roster is one indexed read; registry changes to them
-- update these rows in the same transaction. No foreign keys: the rows are rebuilt in bulk.
CREATE TABLE tracking_status (
  person_id           uuid PRIMARY KEY,
  subject             text NOT NULL CHECK (subject IN ('child', 'pregnancy')),
  pregnancy_id        uuid,
  household_id        uuid NOT NULL,
  territory_code      text NOT NULL,
  village_code        text,
  health_facility_id  uuid,
  field_worker_id     uuid,
  -- Birth date of a child; for a pregnancy, the last menstrual period (or EDD − 280 days).
  anchor_date         date NOT NULL,
  as_of               date NOT NULL,
  pathway             text NOT NULL,
  light               text NOT NULL CHECK (light IN ('green', 'amber', 'red')),
  -- Most urgent first; the light is its thousands (red 2000–2999, amber 1000–1999, green 0–999),
  -- so that a light is a range of the roster indexes.
  urgency             double precision NOT NULL CHECK (urgency >= 0 AND urgency < 3000),
  overdue_items       text[] NOT NULL,
  due_items           text[] NOT NULL,
  risks               text[] NOT NULL,
  reasons             jsonb NOT NULL,
  computed_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (light = CASE WHEN urgency >= 2000 THEN 'red' WHEN urgency >= 1000 THEN 'amber' ELSE 'green' END)
);
COMMENT ON TABLE tracking_status IS 'Traffic light, open items and reasons per tracked person as of as_of; rosters read it.';
CREATE INDEX tracking_status_territory_idx ON tracking_status (territory_code, urgency DESC, person_id);
CREATE INDEX tracking_status_facility_idx ON tracking_status (health_facility_id, urgency DESC, person_id);
CREATE INDEX tracking_status_field_worker_idx ON tracking_status (field_worker_id, urgency DESC, person_id);
CREATE INDEX tracking_status_household_idx ON tracking_status (household_id);

-- The last full recompute: the date rosters are "as of", and how long it took.
CREATE TABLE tracking_run (
  id           boolean PRIMARY KEY DEFAULT true CHECK (id),
  as_of        date NOT NULL,
  computed_at  timestamptz NOT NULL,
  persons      integer NOT NULL,
  seconds      double precision NOT NULL
);
