-- The settings in force, as the library reads them (loading it if needed).
CREATE OR REPLACE FUNCTION cart_abandon.effective_settings(
    OUT medusa_schema text, OUT first_delay interval, OUT second_delay interval, OUT max_age interval)
AS 'MODULE_PATHNAME', 'cart_abandon_effective_settings' LANGUAGE C STABLE;
