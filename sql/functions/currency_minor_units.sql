-- ISO 4217 minor units of a currency code in any case (2 for eur, 0 for jpy, 3 for kwd), from
-- ICU's currency data; 2 for a code ICU does not know.
CREATE OR REPLACE FUNCTION cart_abandon.currency_minor_units(currency_code text) RETURNS integer
AS 'MODULE_PATHNAME', 'cart_abandon_currency_minor_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
