-- Medusa's tables that cart_abandon reads, missing from the given schema.
CREATE OR REPLACE FUNCTION cart_abandon.missing_medusa_tables(schema_name text) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(t ORDER BY t), '{}')
      FROM unnest(ARRAY['cart', 'cart_address', 'cart_line_item', 'cart_shipping_method', 'customer',
                        'customer_address', 'order', 'order_address', 'order_cart',
                        'cart_payment_collection', 'payment_collection', 'payment_session', 'payment',
                        'sales_channel', 'region']) AS t
     WHERE to_regclass(quote_ident(schema_name) || '.' || quote_ident(t)) IS NULL
$$;
