-- The alert funnel, summed by month: a region's funnel over a million alerts reads a few thousand
-- rows instead of every alert (which took 2–3 s on two cores). Derived from `alert`; a month is
-- rebuilt whole when any of its alerts changed (alert_funnel_dirty, marked by the triggers below
-- in the transaction of the change).

-- Counts per district, month of raising (Peru time), type, institution ('' for none) and
-- sensitivity.
CREATE TABLE alert_funnel_month (
  territory_code  text NOT NULL,
  month           date NOT NULL,
  type_code       text NOT NULL,
  institution     text NOT NULL,
  sensitive       boolean NOT NULL,
  identified      integer NOT NULL,
  referred        integer NOT NULL,
  accepted        integer NOT NULL,
  attended        integer NOT NULL,
  closed          integer NOT NULL,
  resolved        integer NOT NULL,
  cancelled       integer NOT NULL,
  open            integer NOT NULL,
  -- Open and past their stage's deadline when the month was rebuilt. An alert that passes its
  -- deadline is escalated by the alert jobs, which rebuilds its month.
  overdue         integer NOT NULL,
  PRIMARY KEY (territory_code, month, type_code, institution, sensitive)
);
COMMENT ON TABLE alert_funnel_month IS 'How many alerts raised in a month reached each funnel stage, per district, type, institution and sensitivity. Rebuilt month by month from alert.';

-- Stage times per district, month and sensitivity: for each of the four steps (identified →
-- referred → accepted → attended → closed) the number of alerts per duration bucket, as 4 × 64
-- little-endian int32 (see the funnel module for the buckets).
CREATE TABLE alert_funnel_times (
  territory_code  text NOT NULL,
  month           date NOT NULL,
  sensitive       boolean NOT NULL,
  histograms      bytea NOT NULL,
  PRIMARY KEY (territory_code, month, sensitive)
);
COMMENT ON TABLE alert_funnel_times IS 'Histograms of the time each funnel step took, per district, month and sensitivity, for the medians and 90th percentiles of the funnel.';

CREATE TABLE alert_funnel_dirty (
  month  date PRIMARY KEY
);
COMMENT ON TABLE alert_funnel_dirty IS 'Months whose alerts changed since the funnel tables were last rebuilt.';

CREATE FUNCTION alert_funnel_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO alert_funnel_dirty (month)
      SELECT DISTINCT date_trunc('month', raised_at AT TIME ZONE 'America/Lima')::date FROM new_rows
      ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO alert_funnel_dirty (month)
      SELECT date_trunc('month', raised_at AT TIME ZONE 'America/Lima')::date FROM new_rows
      UNION
      SELECT date_trunc('month', raised_at AT TIME ZONE 'America/Lima')::date FROM old_rows
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER alert_funnel_mark_insert AFTER INSERT ON alert
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alert_funnel_mark();
CREATE TRIGGER alert_funnel_mark_update AFTER UPDATE ON alert
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alert_funnel_mark();

-- What the funnel still reads from alert is a span of raising days (the partial months at a
-- period's edges), so the covering index leads with the raising time.
DROP INDEX alert_funnel_idx;
CREATE INDEX alert_raised_idx ON alert (raised_at)
  INCLUDE (territory_code, village_code, type_code, institution_id, stage, outcome, sensitive, stage_due_at,
           referred_at, accepted_at, attended_at, ended_at);

INSERT INTO alert_funnel_dirty (month)
  SELECT DISTINCT date_trunc('month', raised_at AT TIME ZONE 'America/Lima')::date FROM alert;
