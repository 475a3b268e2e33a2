-- The command of the scheduled job. The job runs as the extension's owner (a superuser), in a
-- session whose search_path the shop's roles may influence and in a schema where the database's
-- owner may create functions: the procedure is named with its schema and called with an argument
-- of its exact type, so that no overload another role creates (a cart_abandon_run() without
-- arguments, or with a variadic or polymorphic one) can be chosen instead.
CREATE OR REPLACE FUNCTION cart_abandon.scheduled_command() RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT format('CALL %I.cart_abandon_run(%L::pg_catalog.jsonb)', '@extschema@', '{}')
$$;
