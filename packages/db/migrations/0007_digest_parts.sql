-- A bulk import defers its evidence's digest (migration 0006), and now appends it chunk by chunk,
-- each chunk on a connection of its own once the chunk is stored, while the next chunk is being
-- stored. Every transaction that defers lists itself here by its start time, which is the
-- recorded_at of every evidence row it writes; appending its records takes it off the list in the
-- same transaction. What is still listed when the import ends, or when it died, is appended from
-- the evidence rows of those transactions, so that no record is appended twice or left out. Two
-- transactions of a batch cannot share a start time: the key refuses the second.
CREATE TABLE evidence_digest_deferred_part (
  batch_id  uuid NOT NULL REFERENCES evidence_digest_deferred (batch_id) ON DELETE CASCADE,
  started   timestamptz NOT NULL,
  PRIMARY KEY (batch_id, started)
);
-- An import deferring when this migration runs: its transactions since it was listed, from the
-- start times its evidence carries; deferred_at, which only the old append read, then goes.
INSERT INTO evidence_digest_deferred_part (batch_id, started)
SELECT DISTINCT d.batch_id, e.recorded_at
  FROM evidence_digest_deferred d
  JOIN evidence e ON e.import_batch_id = d.batch_id AND e.recorded_at >= d.deferred_at;
ALTER TABLE evidence_digest_deferred DROP COLUMN deferred_at;
COMMENT ON TABLE evidence_digest_deferred_part IS 'Transactions of an import whose evidence is not in the digest yet (see evidence_digest_deferred), by their start time.';
