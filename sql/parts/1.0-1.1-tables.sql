-- The tables of 1.0 made those of 1.1 (sql/parts/1.1-tables.sql), their rows kept.

-- ---- the ledger ----
-- origin: 'imported' rows record a reminder the shop's previous system sent (cart.metadata
-- notifications); they have no wamid, and no sent_at when the metadata had no time.
-- 'held': due, but not now (quiet hours at the recipient, or the per-person frequency cap);
-- not_before says when it may go, hold_reason why. It is no attempt and closes nothing.
-- cart_changed_at: for a skip that more data can lift (no_phone, invalid_phone,
-- blocked_region, no_consent), the cart's latest change (Medusa's clock) when it was skipped.
ALTER TABLE cart_abandon.deliveries
    ADD COLUMN origin          text NOT NULL DEFAULT 'cart_abandon',
    ADD COLUMN hold_reason     text,
    ADD COLUMN not_before      timestamptz,
    ADD COLUMN cart_changed_at timestamptz;
ALTER TABLE cart_abandon.deliveries
    DROP CONSTRAINT deliveries_status_check,
    ADD CONSTRAINT deliveries_status_check
        CHECK (status IN ('claimed', 'sent', 'retry', 'failed', 'skipped', 'unknown', 'held')),
    ADD CONSTRAINT deliveries_origin_check CHECK (origin IN ('cart_abandon', 'imported')),
    DROP CONSTRAINT deliveries_sent_has_wamid,
    ADD CONSTRAINT deliveries_sent_has_wamid
        CHECK (status <> 'sent' OR origin = 'imported' OR (wamid IS NOT NULL AND sent_at IS NOT NULL)),
    ADD CONSTRAINT deliveries_held_has_time
        CHECK (status <> 'held' OR (not_before IS NOT NULL AND hold_reason IS NOT NULL));

-- 1.0 skipped the second cart of a number in a batch for good ('duplicate_phone'); 1.1 holds it
-- until the frequency cap allows (and sends it then if it is still due and inside max_age).
UPDATE cart_abandon.deliveries
   SET status = 'held', hold_reason = 'frequency_cap', not_before = updated_at, skip_reason = NULL,
       updated_at = clock_timestamp()
 WHERE status = 'skipped' AND skip_reason = 'duplicate_phone';
-- 1.0's skips for want of a phone are re-examined once the cart changes after them.
UPDATE cart_abandon.deliveries
   SET cart_changed_at = updated_at
 WHERE status = 'skipped' AND skip_reason IN ('no_phone', 'invalid_phone');

-- Held stages whose time has come (the incremental scan looks them up by time).
CREATE INDEX deliveries_held_idx ON cart_abandon.deliveries (not_before) WHERE status = 'held';
-- The frequency cap: a person's latest contact, by number and by Meta's wa_id.
CREATE INDEX deliveries_contact_phone_idx ON cart_abandon.deliveries (phone, (coalesce(sent_at, claimed_at)))
    WHERE status IN ('claimed', 'sent', 'unknown');
CREATE INDEX deliveries_contact_wa_id_idx ON cart_abandon.deliveries (wa_id, (coalesce(sent_at, claimed_at)))
    WHERE wa_id IS NOT NULL AND status IN ('claimed', 'sent', 'unknown');

ALTER TABLE cart_abandon.runs
    ADD COLUMN held     integer NOT NULL DEFAULT 0,
    ADD COLUMN imported integer NOT NULL DEFAULT 0;
