-- Meta's webhooks: the exact raw body of one POST and its X-Hub-Signature-256 header. Verified
-- against cart_abandon.whatsapp_app_secret (a mismatch: SQLSTATE 28000, nothing changed), then
-- applied: statuses to the ledger, opt-outs and resumes to cart_abandon.opt_outs. Idempotent and
-- order-independent; at most 1,000 updates per call. SECURITY DEFINER: the receiver's role
-- (cart_abandon_webhook) may call this and nothing else.
CREATE OR REPLACE FUNCTION cart_abandon_webhook(payload text, signature text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'cart_abandon_webhook' LANGUAGE C VOLATILE
SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off;

COMMENT ON FUNCTION cart_abandon_webhook(text, text) IS
'Applies one signed WhatsApp webhook body (statuses, opt-outs); returns what it applied and ignored.';
