-- The recommended indexes: statements for the configured schema that create, concurrently and
-- idempotently, indexes the due-cart query and the purchase check use. No BEGIN: CREATE INDEX
-- CONCURRENTLY cannot run inside a transaction block.
SELECT plan(11);
CREATE EXTENSION cart_abandon;
SELECT is(cart_abandon.missing_indexes('public'),
          ARRAY['cart_abandon_open_cart_activity', 'cart_abandon_line_item_changes', 'cart_abandon_shipping_changes',
                'cart_abandon_line_item_removed', 'cart_abandon_shipping_removed', 'cart_abandon_cart_address_changes',
                'cart_abandon_customer_changes', 'cart_abandon_completed', 'cart_abandon_order_changes'],
          'before: all nine missing, named');
SELECT is((SELECT count(*)::int FROM cart_abandon_recommended_indexes() s WHERE s LIKE 'CREATE INDEX CONCURRENTLY IF NOT EXISTS %'), 9,
          'nine statements, each CONCURRENTLY and IF NOT EXISTS');
SELECT * FROM cart_abandon_recommended_indexes() \gexec
SELECT * FROM cart_abandon_recommended_indexes() \gexec
SELECT is((SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'cart_abandon_%'), 9,
          'running them (twice) creates the nine indexes once');
SELECT is((SELECT count(*)::int FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE c.relname LIKE 'cart_abandon_%' AND NOT i.indisvalid), 0, 'all valid');
SELECT is(cart_abandon.missing_indexes('public'), '{}'::text[], 'once made: none missing');
-- Found by definition, not by name: the shop's own equivalent counts, a same-named other one does not.
DROP INDEX public.cart_abandon_completed;
CREATE INDEX shop_completed_carts ON public.cart (completed_at) WHERE completed_at IS NOT NULL;
SELECT is(cart_abandon.missing_indexes('public'), '{}'::text[], 'the same definition under another name counts');
DROP INDEX public.shop_completed_carts;
CREATE INDEX cart_abandon_completed ON public.cart (completed_at);
SELECT is(cart_abandon.missing_indexes('public'), ARRAY['cart_abandon_completed'],
          'a same-named index of another definition does not');
DROP INDEX public.cart_abandon_completed;
SELECT * FROM cart_abandon_recommended_indexes() \gexec
SET cart_abandon.medusa_schema = 'shop';
SELECT is((SELECT count(*)::int FROM cart_abandon_recommended_indexes() s WHERE s ~ ' ON shop\.'), 9, 'they follow cart_abandon.medusa_schema');
RESET cart_abandon.medusa_schema;

-- with many carts, the due-cart scan's parts use them
SELECT fixture.make_cart('idx_' || n, (n || ' hours')::interval, phone => '0151 8' || lpad(n::text, 7, '0'))
  FROM generate_series(1, 2000) AS n;
ANALYZE public.cart; ANALYZE public.cart_line_item; ANALYZE public.cart_shipping_method;
SET enable_seqscan = off;  -- a small table would be scanned whole anyway; show the index can serve
CREATE TEMP TABLE plan_lines (line text);
DO $$
DECLARE r record;
BEGIN
    FOR r IN EXECUTE $q$EXPLAIN SELECT li.cart_id FROM public.cart_line_item li
                        WHERE greatest(li.created_at, li.updated_at, li.deleted_at) >= now() - interval '7 days'$q$ LOOP
        INSERT INTO plan_lines VALUES (r."QUERY PLAN");
    END LOOP;
    FOR r IN EXECUTE $q$EXPLAIN SELECT max(li.deleted_at) FROM public.cart_line_item li
                        WHERE li.cart_id = 'idx_1' AND li.deleted_at IS NOT NULL$q$ LOOP
        INSERT INTO plan_lines VALUES (r."QUERY PLAN");
    END LOOP;
    FOR r IN EXECUTE $q$EXPLAIN SELECT c.id FROM public.cart c
                        WHERE c.deleted_at IS NULL AND c.completed_at IS NULL AND c.updated_at >= now() - interval '7 days'$q$ LOOP
        INSERT INTO plan_lines VALUES (r."QUERY PLAN");
    END LOOP;
END
$$;
SELECT ok(EXISTS (SELECT 1 FROM plan_lines WHERE line LIKE '%cart_abandon_line_item_changes%'), 'line items changed in the window: by index');
SELECT ok(EXISTS (SELECT 1 FROM plan_lines WHERE line LIKE '%cart_abandon_open_cart_activity%'), 'open carts updated in the window: by index');
SELECT ok(EXISTS (SELECT 1 FROM plan_lines WHERE line LIKE '%cart_abandon_line_item_removed%'), 'a cart''s removed items: by index');
RESET enable_seqscan;
SELECT * FROM finish();
