-- cart_abandon 1.7 -> 1.8: SMS beside WhatsApp and email; a stage's fallback to the next channel;
-- the shop's own wording per channel, stage and language.
-- Built by make from this header and the files sql/upgrades/1.7--1.8.list names: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.8'" to load this file. \quit

-- SMS (Twilio) joins the channels a ledger row and a channel's status can be on. Every row
-- already there passes the wider lists.
ALTER TABLE cart_abandon.deliveries DROP CONSTRAINT deliveries_channel_check,
    ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('whatsapp', 'email', 'sms'));
ALTER TABLE cart_abandon.channel_status DROP CONSTRAINT channel_status_channel_check,
    ADD CONSTRAINT channel_status_channel_check CHECK (channel IN ('whatsapp', 'email', 'sms'));

-- A stage falls back to the next channel once: the row it stands in for (NULL on every 1.7 row).
ALTER TABLE cart_abandon.deliveries ADD COLUMN fallback_of bigint;

-- Whether `pattern`, a shop's template for `field` ('subject', 'body' or 'html') of `channel`
-- ('email' or 'sms') in `locale`, renders: ICU MessageFormat that parses and names only the
-- arguments a reminder fills (customer_name, item_count, first_item_title, cart_total,
-- recovery_link, unsubscribe_link, items). True when it does or when it is NULL (the default
-- applies); else an ERROR (SQLSTATE 22023) naming the field and what is wrong, so that a bad
-- template is refused when it is written, never at a send. Used by cart_abandon.message_templates.
CREATE OR REPLACE FUNCTION cart_abandon.check_message_template(channel text, field text, locale text, pattern text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cart_abandon_check_message_template' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- ---- the shop's own wording (1.8) ----
-- A reminder's text per channel, stage and language, in ICU MessageFormat with named arguments
-- (cart_abandon.check_message_template lists them). No row, or a NULL field: the built-in wording
-- of that language (English and German; English for the others). A cart's locale picks the row:
-- 'pt-BR', else 'pt', else cart_abandon.default_locale's, else the built-in. Email: subject, body
-- (text/plain) and html (text/html, every argument HTML-escaped); SMS: body alone.
CREATE TABLE cart_abandon.message_templates (
    channel    text        NOT NULL CHECK (channel IN ('email', 'sms')),
    stage      smallint    NOT NULL CHECK (stage IN (1, 2)),
    locale     text        NOT NULL CHECK (locale ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    subject    text        CHECK (cart_abandon.check_message_template(channel, 'subject', locale, subject)),
    body       text        CHECK (cart_abandon.check_message_template(channel, 'body', locale, body)),
    html       text        CHECK (cart_abandon.check_message_template(channel, 'html', locale, html)),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by text        NOT NULL DEFAULT current_user,
    PRIMARY KEY (channel, stage, locale),
    CONSTRAINT message_templates_sms_body_only CHECK (channel <> 'sms' OR (subject IS NULL AND html IS NULL))
);
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.message_templates', '');


-- ---- privileges: nothing for PUBLIC ----
REVOKE ALL ON ALL TABLES IN SCHEMA cart_abandon FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA cart_abandon FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA cart_abandon FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_process(integer, text, jsonb) FROM PUBLIC;
REVOKE ALL ON PROCEDURE cart_abandon_run(jsonb, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_stats() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_daily(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_schedule(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_unschedule() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_recommended_indexes() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_webhook(text, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION cart_abandon_process(integer, text, jsonb) TO cart_abandon_operator;
GRANT EXECUTE ON PROCEDURE cart_abandon_run(jsonb, bigint) TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_schedule(text) TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_unschedule() TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_stats() TO cart_abandon_operator, cart_abandon_monitor;
GRANT EXECUTE ON FUNCTION cart_abandon_daily(integer) TO cart_abandon_operator, cart_abandon_monitor;
GRANT EXECUTE ON FUNCTION cart_abandon_webhook(text, text) TO cart_abandon_webhook, cart_abandon_operator;
GRANT USAGE ON SCHEMA cart_abandon TO cart_abandon_operator;
GRANT SELECT ON cart_abandon.deliveries, cart_abandon.runs, cart_abandon.channel_status, cart_abandon.whatsapp_preferences,
                cart_abandon.recovered_carts
    TO cart_abandon_operator;
GRANT SELECT, INSERT, DELETE ON cart_abandon.opt_outs TO cart_abandon_operator;
GRANT SELECT, DELETE ON cart_abandon.restricted_countries TO cart_abandon_operator;  -- part 5: lift one by hand
GRANT SELECT ON cart_abandon.template_status TO cart_abandon_operator;  -- part 5
-- 1.8: the shop's wording; its CHECKs call the function with the writer's rights.
GRANT SELECT, INSERT, UPDATE, DELETE ON cart_abandon.message_templates TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon.check_message_template(text, text, text, text) TO cart_abandon_operator;
