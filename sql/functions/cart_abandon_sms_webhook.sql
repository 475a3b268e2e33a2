-- Twilio's webhooks (1.9): the exact URL Twilio called (query included), the raw form body of its
-- POST and its X-Twilio-Signature header. Verified against cart_abandon.twilio_auth_token (a
-- mismatch: SQLSTATE 28000, nothing changed), then applied: a status callback to its message's
-- ledger row (kept when the row is not recorded yet), an inbound STOP or START to
-- cart_abandon.opt_outs. Idempotent. SECURITY DEFINER: the receiver's role (cart_abandon_webhook)
-- may call this and nothing else.
CREATE OR REPLACE FUNCTION cart_abandon_sms_webhook(url text, body text, signature text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'cart_abandon_sms_webhook' LANGUAGE C VOLATILE
SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off;

COMMENT ON FUNCTION cart_abandon_sms_webhook(text, text, text) IS
'Applies one signed Twilio webhook (an SMS status callback, or an inbound STOP/START); returns what it applied.';
