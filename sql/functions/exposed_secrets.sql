-- The secret settings (whatsapp_token, whatsapp_app_secret) set in a configuration file while
-- cart_abandon is not in shared_preload_libraries: any role can SHOW them before a session loads
-- the library. Sending and webhooks refuse to use them; the stats flag them.
CREATE OR REPLACE FUNCTION cart_abandon.exposed_secrets() RETURNS text[]
AS 'MODULE_PATHNAME', 'cart_abandon_exposed_secrets' LANGUAGE C STABLE;
