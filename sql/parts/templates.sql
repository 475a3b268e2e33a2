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
