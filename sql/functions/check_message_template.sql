-- Whether `pattern`, a shop's template for `field` ('subject', 'body' or 'html') of `channel`
-- ('email' or 'sms') in `locale`, renders: ICU MessageFormat that parses and names only the
-- arguments a reminder fills (customer_name, item_count, first_item_title, cart_total,
-- recovery_link, unsubscribe_link, items). True when it does or when it is NULL (the default
-- applies); else an ERROR (SQLSTATE 22023) naming the field and what is wrong, so that a bad
-- template is refused when it is written, never at a send. Used by cart_abandon.message_templates.
CREATE OR REPLACE FUNCTION cart_abandon.check_message_template(channel text, field text, locale text, pattern text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cart_abandon_check_message_template' LANGUAGE C IMMUTABLE PARALLEL SAFE;
