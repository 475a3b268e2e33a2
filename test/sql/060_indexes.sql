-- The recommended indexes: statements for the configured schema that create, concurrently and
-- idempotently, indexes the due-cart query and the purchase check use. No BEGIN: CREATE INDEX
-- CONCURRENTLY cannot run inside a transaction block.
SELECT plan(13);
CREATE EXTENSION cart_abandon;
SELECT is(cart_abandon.missing_indexes('public'),
          ARRAY['cart_abandon_open_cart_activity', 'cart_abandon_line_item_changes', 'cart_abandon_shipping_changes',
                'cart_abandon_line_item_removed', 'cart_abandon_shipping_removed', 'cart_abandon_cart_address_changes',
                'cart_abandon_customer_changes', 'cart_abandon_customer_deleted', 'cart_abandon_completed',
                'cart_abandon_order_changes'],
          'before: all ten missing, named');
SELECT is((SELECT count(*)::int FROM cart_abandon_recommended_indexes() s WHERE s LIKE 'CREATE INDEX CONCURRENTLY IF NOT EXISTS %'), 10,
          'ten statements, each CONCURRENTLY and IF NOT EXISTS');
SELECT * FROM cart_abandon_recommended_indexes() \gexec
SELECT * FROM cart_abandon_recommended_indexes() \gexec
SELECT is((SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'cart_abandon_%'), 10,
          'running them (twice) creates the ten indexes once');
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
SELECT is((SELECT count(*)::int FROM cart_abandon_recommended_indexes() s WHERE s ~ ' ON shop\.'), 10, 'they follow cart_abandon.medusa_schema');
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

-- Every run looks for customers deleted since its last look (src/pg/store/erasure.cpp, planned for
-- its values as the run plans it): among many live customers and a few deleted ones, both its forms
-- (a first look, then one after a deleted customer) read them through the index, in its order.
INSERT INTO public.customer (id, email, created_at, updated_at, deleted_at)
SELECT 'idxcus_' || n, 'idx' || n || '@example.com', now(), now(),
       CASE WHEN n % 1000 = 0 THEN now() - (n || ' minutes')::interval END
  FROM generate_series(1, 20000) AS n;
ANALYZE public.customer;
PREPARE erased_customers(timestamptz, timestamptz, text, integer) AS
SELECT cu.id, cu.deleted_at FROM public.customer cu
 WHERE cu.deleted_at >= coalesce($1, '-infinity')
   AND ($2::timestamptz IS NULL OR (cu.deleted_at, cu.id) > ($2, $3))
 ORDER BY cu.deleted_at, cu.id
 LIMIT $4;
SET plan_cache_mode = force_custom_plan;
TRUNCATE plan_lines;
DO $$
DECLARE r record;
BEGIN
    FOR r IN EXECUTE $q$EXPLAIN EXECUTE erased_customers(NULL, NULL, '', 1000)$q$ LOOP
        INSERT INTO plan_lines VALUES ('first ' || r."QUERY PLAN");
    END LOOP;
    FOR r IN EXECUTE $q$EXPLAIN EXECUTE erased_customers(now() - interval '1 day', now() - interval '5 hours', 'idxcus_5000', 1000)$q$ LOOP
        INSERT INTO plan_lines VALUES ('after ' || r."QUERY PLAN");
    END LOOP;
END
$$;
RESET plan_cache_mode;
SELECT is((SELECT array_agg(DISTINCT split_part(line, ' ', 1) ORDER BY split_part(line, ' ', 1)) FROM plan_lines
            WHERE line LIKE '% using cart_abandon_customer_deleted%'), ARRAY['after', 'first'],
          'deleted customers: by index, both forms');
SELECT is((SELECT count(*)::int FROM plan_lines WHERE line LIKE '%Sort%' OR line LIKE '%Seq Scan%'), 0,
          'in the index''s order: no sort, no scan of every customer');

SELECT * FROM finish();
