-- Alerts and referrals: an alert raised by a rule over the tracking result or by a person,
-- referred to the competent institution, accepted or rejected there, attended with a
-- counter-referral, verified and closed by the programme; with deadlines per stage,
-- escalation, notifications and webhooks to institutions' systems.

-- Contact details of staff accounts, for notifications by e-mail and SMS.
ALTER TABLE app_user ADD COLUMN email text CHECK (email ~ '^[^@\s]+@[^@\s]+$');
ALTER TABLE app_user ADD COLUMN phone text;

-- The rule alert types that fire for a tracked person, written with the status (recompute and
-- every status refresh); alerts are raised and closed from it.
ALTER TABLE tracking_status ADD COLUMN alerts text[] NOT NULL DEFAULT '{}';

CREATE TABLE alert (
  id                  uuid PRIMARY KEY,
  type_code           text NOT NULL,
  origin              text NOT NULL CHECK (origin IN ('rule', 'person')),
  severity            text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  sensitive           boolean NOT NULL,
  -- No foreign keys to person and household: a recompute raises alerts by the hundred thousand,
  -- and each key check locks its person and household row (writing to every page of both tables:
  -- 46 of 70 s for 660,000 alerts). Persons and households are never deleted (their status
  -- changes), and alerts are only written from rows read in the same statement or transaction.
  person_id           uuid,
  household_id        uuid NOT NULL,
  -- The household's district, village, health facility and field worker when the alert was
  -- raised, kept in step with registry changes: scopes, boards and funnels read them.
  territory_code      text NOT NULL,
  village_code        text,
  health_facility_id  uuid,
  field_worker_id     uuid,
  stage               text NOT NULL CHECK (stage IN ('identified', 'referred', 'accepted', 'rejected',
                                                     'attended', 'closed', 'cancelled')),
  -- How a closed alert ended: verified by the programme after the attention, resolved by
  -- evidence (the vaccine was recorded), the rule no longer applies (the child aged out of the
  -- item), or the person is no longer tracked.
  outcome             text CHECK (outcome IN ('verified', 'resolved_by_evidence', 'rule_cleared', 'not_tracked')),
  resolved_by_evidence_id uuid,
  -- The institution the alert is (or was last) referred to.
  institution_id      uuid REFERENCES institution (id),
  -- Deadline of the current stage (to refer, to accept, to attend); null once closed or cancelled.
  stage_due_at        timestamptz,
  -- 0: on time; n: escalated n levels up (district, province, region, national coordinators).
  escalation_level    smallint NOT NULL DEFAULT 0,
  -- A reminder was sent for the current stage's deadline.
  reminded            boolean NOT NULL DEFAULT false,
  observation         text,
  counter_referral    jsonb,
  raised_by           uuid REFERENCES app_user (id),
  raised_at           timestamptz NOT NULL,
  -- First time the alert reached each stage (the funnel's times); a rejection and a new
  -- referral keep the first referral's time.
  referred_at         timestamptz,
  accepted_at         timestamptz,
  attended_at         timestamptz,
  ended_at            timestamptz,
  version             integer NOT NULL DEFAULT 1,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (origin = 'person' OR (person_id IS NOT NULL AND raised_by IS NULL)),
  CHECK ((stage IN ('closed', 'cancelled')) = (ended_at IS NOT NULL)),
  CHECK ((stage = 'closed') = (outcome IS NOT NULL)),
  CHECK (stage NOT IN ('referred', 'accepted', 'attended') OR institution_id IS NOT NULL)
);
COMMENT ON TABLE alert IS 'Alerts about a person or household, raised by a rule over the tracking result or by a person, and their referral to an institution: one row per alert with its current stage; alert_event keeps every step.';
COMMENT ON COLUMN alert.stage IS 'identified → referred → accepted (or rejected → referred again) → attended → closed; cancelled from any open stage.';
-- One open alert per person and rule type.
CREATE UNIQUE INDEX alert_open_rule_idx ON alert (person_id, type_code)
  WHERE origin = 'rule' AND stage NOT IN ('closed', 'cancelled');
CREATE INDEX alert_person_idx ON alert (person_id);
CREATE INDEX alert_household_idx ON alert (household_id);
-- Boards: open alerts of a territory or a field worker by deadline.
CREATE INDEX alert_open_territory_idx ON alert (territory_code, stage_due_at, id)
  WHERE stage NOT IN ('closed', 'cancelled');
CREATE INDEX alert_open_field_worker_idx ON alert (field_worker_id, stage_due_at, id)
  WHERE stage NOT IN ('closed', 'cancelled');
-- Institution inboxes: referrals waiting for the institution.
CREATE INDEX alert_inbox_idx ON alert (institution_id, stage_due_at, id)
  WHERE stage IN ('referred', 'accepted');
-- Deadlines: escalations and reminders.
CREATE INDEX alert_due_idx ON alert (stage_due_at) WHERE stage_due_at IS NOT NULL;
-- Funnels: every alert of a territory and period, read from the index alone.
CREATE INDEX alert_funnel_idx ON alert (territory_code, raised_at)
  INCLUDE (type_code, institution_id, stage, outcome, sensitive, stage_due_at, referred_at, accepted_at, attended_at,
           ended_at);

-- Every step of every alert, in order: who, when, from which stage to which. Append-only; the
-- notification dispatcher reads it as its outbox (notification_cursor).
CREATE TABLE alert_event (
  seq             bigserial PRIMARY KEY,
  alert_id        uuid NOT NULL REFERENCES alert (id),
  action          text NOT NULL CHECK (action IN ('raise', 'refer', 'accept', 'reject', 'attend', 'verify',
                                                  'cancel', 'resolve', 'escalate', 'remind', 'attach')),
  from_stage      text,
  to_stage        text NOT NULL,
  institution_id  uuid,
  actor_kind      text NOT NULL CHECK (actor_kind IN ('user', 'token', 'system')),
  actor_id        uuid,
  actor_name      text NOT NULL,
  at              timestamptz NOT NULL DEFAULT now(),
  reason          text,
  detail          jsonb
);
COMMENT ON TABLE alert_event IS 'The history of each alert: one row per step (raise, refer, accept, reject, attend, verify, cancel, resolve, escalate, remind). Rule alerts raised in bulk by a recompute have no raise row: their alert row says when.';
CREATE INDEX alert_event_alert_idx ON alert_event (alert_id, seq);

CREATE FUNCTION alert_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'alert_event is append-only';
END
$$;
CREATE TRIGGER alert_event_no_update BEFORE UPDATE OR DELETE ON alert_event
  FOR EACH ROW EXECUTE FUNCTION alert_event_append_only();

CREATE TABLE alert_attachment (
  id            uuid PRIMARY KEY,
  alert_id      uuid NOT NULL REFERENCES alert (id),
  file_name     text NOT NULL,
  content_type  text NOT NULL,
  size_bytes    integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
  sha256        text NOT NULL,
  data          bytea NOT NULL,
  uploaded_by   uuid REFERENCES app_user (id),
  uploaded_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE alert_attachment IS 'Files attached to an alert (a photo, a document), at most 5 MiB each.';
CREATE INDEX alert_attachment_alert_idx ON alert_attachment (alert_id);

-- Notifications ---------------------------------------------------------------------------

CREATE TABLE notification (
  id               uuid PRIMARY KEY,
  channel          text NOT NULL CHECK (channel IN ('in_app', 'email', 'sms', 'whatsapp')),
  user_id          uuid REFERENCES app_user (id),
  address          text,
  alert_id         uuid REFERENCES alert (id),
  event_seq        bigint,
  kind             text NOT NULL,
  subject          text NOT NULL,
  body             text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  read_at          timestamptz,
  CHECK (user_id IS NOT NULL OR address IS NOT NULL)
);
COMMENT ON TABLE notification IS 'Outbox of messages to people: in-app, e-mail, SMS, WhatsApp. Written in the transaction of what causes them; sent by the dispatcher with retries.';
CREATE INDEX notification_user_idx ON notification (user_id, created_at DESC) WHERE channel = 'in_app';
CREATE INDEX notification_pending_idx ON notification (next_attempt_at) WHERE status = 'pending';
CREATE UNIQUE INDEX notification_once_idx ON notification (event_seq, channel, user_id, kind)
  WHERE event_seq IS NOT NULL;

-- How far the dispatcher has read alert_event.
CREATE TABLE notification_cursor (
  name  text PRIMARY KEY,
  seq   bigint NOT NULL
);

CREATE TABLE webhook_subscription (
  id              uuid PRIMARY KEY,
  institution_id  uuid NOT NULL REFERENCES institution (id),
  url             text NOT NULL CHECK (url ~ '^https?://'),
  secret          text NOT NULL,
  events          text[] NOT NULL,
  active          boolean NOT NULL DEFAULT true,
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE webhook_subscription IS 'An institution''s system asks to be called on its referrals'' events; each call is signed with HMAC-SHA256 of the body with the secret.';
CREATE INDEX webhook_subscription_institution_idx ON webhook_subscription (institution_id);

CREATE TABLE webhook_delivery (
  id               uuid PRIMARY KEY,
  subscription_id  uuid NOT NULL REFERENCES webhook_subscription (id),
  event_seq        bigint NOT NULL,
  event            text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_status      integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  UNIQUE (subscription_id, event_seq)
);
COMMENT ON TABLE webhook_delivery IS 'Every call owed to a webhook subscriber, with its attempts: retried with growing waits until delivered or given up.';
CREATE INDEX webhook_delivery_pending_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_subscription_idx ON webhook_delivery (subscription_id, created_at DESC);
