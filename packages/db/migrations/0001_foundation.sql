-- Tejido foundation: territory, institutions, accounts, registry, change history, audit.
-- Forward-only: never edit this file after it lands; add a new migration instead.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Reference: territory -------------------------------------------------------

CREATE TABLE territory (
  code         text PRIMARY KEY,
  name         text NOT NULL,
  level        text NOT NULL CHECK (level IN ('region', 'province', 'district', 'village')),
  parent_code  text REFERENCES territory (code),
  altitude_m   integer CHECK (altitude_m BETWEEN -500 AND 6500),
  rural        boolean NOT NULL DEFAULT false,
  latitude     double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude    double precision CHECK (longitude BETWEEN -180 AND 180),
  CHECK ((level = 'region') = (parent_code IS NULL)),
  -- Codes are hierarchical (ubigeo): a child's code starts with its parent's, so a
  -- territory subtree is a code prefix and scope checks are index range scans.
  CHECK (parent_code IS NULL OR starts_with(code, parent_code))
);
COMMENT ON TABLE territory IS 'Territorial hierarchy region > province > district > village (centro poblado); codes follow the ubigeo and nest by prefix.';
COMMENT ON COLUMN territory.code IS 'Hierarchical code: region 2 digits, province 4, district 6 (ubigeo), village 10 (district + 4).';
COMMENT ON COLUMN territory.altitude_m IS 'Altitude in metres above sea level; drives the hemoglobin altitude adjustment.';
CREATE INDEX territory_parent_idx ON territory (parent_code);
CREATE INDEX territory_name_trgm_idx ON territory USING gin (lower(name) gin_trgm_ops);

CREATE TABLE institution (
  id              uuid PRIMARY KEY,
  code            text NOT NULL UNIQUE,
  name            text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('health_facility', 'identity_office', 'womens_emergency_centre', 'school',
                                               'employment_office', 'municipal_social_office', 'child_protection_office')),
  territory_code  text NOT NULL REFERENCES territory (code),
  address         text,
  phone           text,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE institution IS 'Institutions that attend referrals: health facilities (IPRESS), identity offices (RENIEC), CEM, schools, OMIL, municipal social offices, DEMUNA.';
COMMENT ON COLUMN institution.code IS 'The institution''s own national code (e.g. RENIPRESS code for a health facility).';
CREATE INDEX institution_territory_idx ON institution (territory_code);

CREATE TABLE programme (
  code     text PRIMARY KEY,
  name_es  text NOT NULL,
  name_en  text NOT NULL
);
COMMENT ON TABLE programme IS 'Social programmes a household can be enrolled in (JUNTOS, Cuna Más, ...).';

-- Accounts ---------------------------------------------------------------------

CREATE TABLE app_user (
  id                    uuid PRIMARY KEY,
  username              text NOT NULL,
  display_name          text NOT NULL,
  role                  text NOT NULL CHECK (role IN ('field_worker', 'coordinator', 'institution_agent', 'case_worker',
                                                      'data_steward', 'programme_admin', 'auditor')),
  scope_kind            text NOT NULL CHECK (scope_kind IN ('national', 'territory', 'institution', 'assigned', 'none')),
  scope_territory_code  text REFERENCES territory (code),
  scope_institution_id  uuid REFERENCES institution (id),
  password_hash         text NOT NULL,
  failed_logins         integer NOT NULL DEFAULT 0,
  locked_until          timestamptz,
  active                boolean NOT NULL DEFAULT true,
  locale                text NOT NULL DEFAULT 'es-PE' CHECK (locale IN ('es-PE', 'en')),
  version               integer NOT NULL DEFAULT 1,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope_kind = 'territory') = (scope_territory_code IS NOT NULL)),
  CHECK ((scope_kind = 'institution') = (scope_institution_id IS NOT NULL))
);
COMMENT ON TABLE app_user IS 'Staff accounts. The scope says which people an account may see: a territory subtree, an institution, its assigned households, everything, or nothing (auditor).';
COMMENT ON COLUMN app_user.password_hash IS 'argon2id PHC string.';
COMMENT ON COLUMN app_user.failed_logins IS 'Consecutive failed logins; reset on success; locks the account for a while when it reaches the limit.';
CREATE UNIQUE INDEX app_user_username_idx ON app_user (lower(username));

CREATE TABLE user_session (
  token_hash    text PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES app_user (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  ip            text,
  user_agent    text
);
COMMENT ON TABLE user_session IS 'Signed-in sessions. Only the SHA-256 of the cookie token is stored, so a copy of this table signs nobody in.';
CREATE INDEX user_session_user_idx ON user_session (user_id);

CREATE TABLE api_token (
  id              uuid PRIMARY KEY,
  name            text NOT NULL,
  token_hash      text NOT NULL UNIQUE,
  role            text NOT NULL CHECK (role IN ('institution_agent', 'data_steward', 'programme_admin')),
  scope_kind      text NOT NULL CHECK (scope_kind IN ('national', 'territory', 'institution')),
  scope_territory_code  text REFERENCES territory (code),
  scope_institution_id  uuid REFERENCES institution (id),
  created_by      uuid REFERENCES app_user (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz,
  revoked_at      timestamptz,
  CHECK ((scope_kind = 'territory') = (scope_territory_code IS NOT NULL)),
  CHECK ((scope_kind = 'institution') = (scope_institution_id IS NOT NULL))
);
COMMENT ON TABLE api_token IS 'Bearer tokens for institutions'' systems. Only the SHA-256 of the token is stored; the token is shown once at creation.';

-- Registry -----------------------------------------------------------------------

CREATE TABLE household (
  id                  uuid PRIMARY KEY,
  code                text NOT NULL UNIQUE,
  territory_code      text NOT NULL REFERENCES territory (code),
  village_code        text REFERENCES territory (code),
  address             text,
  reference           text,
  latitude            double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude           double precision CHECK (longitude BETWEEN -180 AND 180),
  phone               text,
  health_facility_id  uuid REFERENCES institution (id),
  field_worker_id     uuid REFERENCES app_user (id),
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (village_code IS NULL OR starts_with(village_code, territory_code))
);
COMMENT ON TABLE household IS 'Households of the registry (padrón nominal). Hot table: household_id is the distribution key.';
COMMENT ON COLUMN household.territory_code IS 'District (ubigeo) where the household lives; scope checks use this code''s prefixes.';
COMMENT ON COLUMN household.village_code IS 'Village (centro poblado) inside the district, when known.';
COMMENT ON COLUMN household.reference IS 'How to find the house (landmark), as field workers write it.';
COMMENT ON COLUMN household.health_facility_id IS 'Health facility (IPRESS) the household is attended at; its focal points see the household.';
COMMENT ON COLUMN household.field_worker_id IS 'Field worker (gestor local) the household is assigned to.';
COMMENT ON COLUMN household.version IS 'Optimistic-concurrency version, incremented on every change.';
CREATE INDEX household_territory_idx ON household (territory_code, id);
CREATE INDEX household_field_worker_idx ON household (field_worker_id, id);
CREATE INDEX household_health_facility_idx ON household (health_facility_id, id);

CREATE TABLE enrolment (
  id              uuid PRIMARY KEY,
  household_id    uuid NOT NULL REFERENCES household (id),
  programme_code  text NOT NULL REFERENCES programme (code),
  status          text NOT NULL CHECK (status IN ('active', 'suspended', 'ended')),
  start_date      date NOT NULL,
  end_date        date,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date IS NULL OR end_date >= start_date)
);
COMMENT ON TABLE enrolment IS 'A household''s enrolment in a programme, with its status and dates.';
CREATE INDEX enrolment_household_idx ON enrolment (household_id);
CREATE UNIQUE INDEX enrolment_one_open_idx ON enrolment (household_id, programme_code) WHERE status <> 'ended';

CREATE TABLE person (
  id                       uuid PRIMARY KEY,
  household_id             uuid NOT NULL REFERENCES household (id),
  relationship             text NOT NULL CHECK (relationship IN ('head', 'spouse', 'child', 'grandchild', 'parent',
                                                                  'sibling', 'other_relative', 'non_relative')),
  given_names              text NOT NULL,
  first_surname            text NOT NULL,
  second_surname           text,
  sex                      text NOT NULL CHECK (sex IN ('female', 'male')),
  birth_date               date NOT NULL,
  document_type            text CHECK (document_type IN ('DNI', 'CUI', 'CE')),
  document_number          text,
  document_check_digit     text,
  health_insurance_number  text,
  status                   text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'moved_out', 'deceased')),
  search_name              text NOT NULL,
  version                  integer NOT NULL DEFAULT 1,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  CHECK ((document_type IS NULL) = (document_number IS NULL))
);
COMMENT ON TABLE person IS 'Members of a household. Hot table, keyed for distribution by household_id.';
COMMENT ON COLUMN person.document_type IS 'DNI (8 digits), CUI (8 digits plus a check digit, given at birth) or CE (foreigners); NULL while the person has none yet.';
COMMENT ON COLUMN person.document_check_digit IS 'Verification character printed after the CUI/DNI number; checked when present.';
COMMENT ON COLUMN person.health_insurance_number IS 'Health-insurance (SIS) affiliation number.';
COMMENT ON COLUMN person.search_name IS 'Lower-case, accent-free "given names first surname second surname", kept by the application for name search.';
CREATE UNIQUE INDEX person_document_idx ON person (document_type, document_number) WHERE document_number IS NOT NULL;
CREATE INDEX person_document_number_idx ON person (document_number) WHERE document_number IS NOT NULL;
CREATE INDEX person_household_idx ON person (household_id);
CREATE INDEX person_search_name_trgm_idx ON person USING gin (search_name gin_trgm_ops);

CREATE TABLE pregnancy (
  id                        uuid PRIMARY KEY,
  household_id              uuid NOT NULL REFERENCES household (id),
  person_id                 uuid NOT NULL REFERENCES person (id),
  last_menstrual_period     date,
  estimated_delivery_date   date,
  status                    text NOT NULL DEFAULT 'ongoing' CHECK (status IN ('ongoing', 'delivered', 'lost')),
  ended_on                  date,
  version                   integer NOT NULL DEFAULT 1,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  CHECK (last_menstrual_period IS NOT NULL OR estimated_delivery_date IS NOT NULL),
  CHECK ((status = 'ongoing') = (ended_on IS NULL))
);
COMMENT ON TABLE pregnancy IS 'Pregnancies of registry women, dated by last menstrual period or estimated delivery date.';
CREATE INDEX pregnancy_person_idx ON pregnancy (person_id);
CREATE INDEX pregnancy_household_idx ON pregnancy (household_id);
CREATE UNIQUE INDEX pregnancy_one_ongoing_idx ON pregnancy (person_id) WHERE status = 'ongoing';

-- Change history and idempotent commands -----------------------------------------

CREATE TABLE change_history (
  id            bigserial PRIMARY KEY,
  entity        text NOT NULL,
  entity_id     uuid NOT NULL,
  household_id  uuid,
  version       integer NOT NULL,
  field         text NOT NULL,
  old_value     jsonb,
  new_value     jsonb,
  actor_kind    text NOT NULL CHECK (actor_kind IN ('user', 'token', 'system')),
  actor_id      uuid,
  changed_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE change_history IS 'One row per changed field of a registry record, with the value before and after and who changed it. Creation is recorded with old_value NULL.';
CREATE INDEX change_history_entity_idx ON change_history (entity_id, id);
CREATE INDEX change_history_household_idx ON change_history (household_id, id);

CREATE TABLE mutation (
  id          uuid PRIMARY KEY,
  actor_id    uuid,
  kind        text NOT NULL,
  result      jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE mutation IS 'Client mutation ids of commands already applied, with their result, so a retried command (offline sync) is answered again instead of applied twice.';

-- Audit ------------------------------------------------------------------------------

CREATE TABLE audit_log (
  seq           bigint PRIMARY KEY,
  at            timestamptz NOT NULL,
  actor_kind    text NOT NULL CHECK (actor_kind IN ('user', 'token', 'system', 'anonymous')),
  actor_id      uuid,
  actor_name    text,
  actor_role    text,
  action        text NOT NULL,
  entity        text,
  entity_id     text,
  household_id  uuid,
  detail        jsonb,
  ip            text,
  prev_hash     text NOT NULL,
  hash          text NOT NULL
);
COMMENT ON TABLE audit_log IS 'Append-only log of every read and change of personal data. Each entry''s hash covers its content and the previous entry''s hash, so an edit or a deletion breaks the chain (tejido audit verify).';
COMMENT ON COLUMN audit_log.seq IS 'Position in the chain, without gaps: a missing number is a deleted entry.';
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_id, seq);
CREATE INDEX audit_log_household_idx ON audit_log (household_id, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE TABLE audit_head (
  id    boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq   bigint NOT NULL,
  hash  text NOT NULL
);
COMMENT ON TABLE audit_head IS 'The last entry of the audit chain (one row). Appending locks it, so entries get consecutive numbers and each links to the one before, in one statement.';
INSERT INTO audit_head (seq, hash) VALUES (0, repeat('0', 64));

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
