-- Issue 19 part 4, erasure: a customer Medusa soft-deleted (its GDPR erasure) is never messaged
-- again through any cart, address or phone of theirs; the ledger keeps only what the figures need;
-- the numbers are kept as keyed hashes only.
-- No BEGIN: runs commit (this file runs in a database of its own).
SELECT plan(28);
CREATE EXTENSION cart_abandon;

CREATE FUNCTION decided(cart text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce((SELECT stage || ':' || action || CASE WHEN action IN ('would_send', 'held') THEN '' ELSE coalesce(':' || split_part(detail, ':', 1), '') END
                       FROM cart_abandon_process(10000, NULL, '{"dryRun": true}') WHERE cart_id = cart), 'not examined')
$$;
-- Rows of the extension's tables that hold the digits, as text (every column).
CREATE FUNCTION holding(digits text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(t, ',' ORDER BY t), 'none') FROM (
        SELECT 'deliveries' AS t FROM cart_abandon.deliveries d WHERE d::text LIKE '%' || digits || '%'
        UNION ALL SELECT 'opt_outs' FROM cart_abandon.opt_outs o WHERE o::text LIKE '%' || digits || '%'
        UNION ALL SELECT 'whatsapp_preferences' FROM cart_abandon.whatsapp_preferences w WHERE w::text LIKE '%' || digits || '%'
        UNION ALL SELECT 'erased_phones' FROM cart_abandon.erased_phones e WHERE e::text LIKE '%' || digits || '%'
        UNION ALL SELECT 'kept_statuses' FROM cart_abandon.kept_statuses k WHERE k::text LIKE '%' || digits || '%'
        UNION ALL SELECT 'runs' FROM cart_abandon.runs r WHERE r::text LIKE '%' || digits || '%') x
$$;

-- A registered customer with a phone of their own, a saved address with another, and a cart
-- shipped to a third; reminded once, a STOP of a fourth number on file.
INSERT INTO public.customer (id, first_name, last_name, email, phone, has_account)
VALUES ('cus_gone', 'Greta', 'Gone', 'greta@example.com', '0151 44440001', true);
INSERT INTO public.customer_address (id, customer_id, is_default_shipping, country_code, phone)
VALUES ('cuaddr_gone', 'cus_gone', true, 'de', '0151 44440002');
SELECT fixture.make_cart('gone_reminded', '30 hours', phone => '+49 151 44440003', customer_id => 'cus_gone', first_name => 'Greta');
SELECT fixture.standin_reset();
SELECT is((SELECT action FROM cart_abandon_process(10000, NULL) WHERE cart_id = 'gone_reminded'), 'sent', 'reminded before the erasure');
SELECT is((SELECT recipient || ' ' || provider_recipient_id FROM cart_abandon.deliveries WHERE cart_id = 'gone_reminded'), '+4915144440003 4915144440003',
          'the ledger names the number and the WhatsApp user');
INSERT INTO cart_abandon.opt_outs (address, source) VALUES ('+4915144440002', 'manual');
SELECT fixture.make_cart('gone_open', '30 hours', phone => '0151 44440009', customer_id => 'cus_gone');
SELECT fixture.make_cart('someone_else', '30 hours', phone => '0151 55550001');
SELECT cart_abandon_stats() -> 'first_sent' AS sent_before \gset

-- Meta named the person by a business-scoped user id too, and a status of theirs waits for its
-- message (kept).
UPDATE cart_abandon.deliveries SET user_id = 'DE.bsuid-gone' WHERE cart_id = 'gone_reminded';
INSERT INTO cart_abandon.kept_statuses (channel, provider_message_id, status, at, recipient, recipient_user_id)
VALUES ('whatsapp', 'wamid.gone-late', 'read', now(), '4915144440003', 'DE.bsuid-gone');

-- The erasure: Medusa soft-deletes the customer.
UPDATE public.customer SET deleted_at = now() WHERE id = 'cus_gone';
SELECT is(decided('gone_open'), '1:skipped:erased', 'a cart of a deleted customer is not reminded, before any run looked');
SELECT is((SELECT count(*)::int FROM cart_abandon.erased_phones), 0, 'a dry run erases nothing (it writes nothing)');
CALL cart_abandon_run();
SELECT is((SELECT status || ':' || skip_reason || ':' || coalesce(recipient, 'no phone') FROM cart_abandon.deliveries WHERE cart_id = 'gone_open'),
          'skipped:erased:no phone', 'the run closes it as erased, without a number');
SELECT is(holding('44440003'), 'none', 'after the run no table of cart_abandon holds the cart''s number');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE user_id = 'DE.bsuid-gone')
          + (SELECT count(*)::int FROM cart_abandon.kept_statuses WHERE recipient_user_id = 'DE.bsuid-gone'), 0,
          'nor its business-scoped user id, in the ledger or a kept status');
SELECT is(holding('44440002') || ' ' || holding('44440001'), 'none none', 'nor the saved address''s (its opt-out row went) nor the customer''s own');
SELECT is((SELECT coalesce(recipient, '-') || ' ' || coalesce(provider_recipient_id, '-') || ' ' || status || ' ' || (sent_at IS NOT NULL)
             FROM cart_abandon.deliveries WHERE cart_id = 'gone_reminded'), '- - sent true',
          'the reminded cart''s row keeps its status and time, not the number or wa_id');
SELECT is((cart_abandon_stats() ->> 'first_sent')::int, :'sent_before'::int + 1,
          'the figures keep the erased person''s reminder (and count someone else''s, sent by the run)');
SELECT is((SELECT count(*)::int FROM cart_abandon.erased_phones), 4, 'four numbers suppressed: the customer''s, the saved address''s, two carts''');
-- The hash is HMAC-SHA256 under the database's key (pgcrypto checks it).
SELECT is((SELECT count(*)::int FROM cart_abandon.erased_phones e, cart_abandon.erasure_key k
            WHERE e.phone_hmac = hmac(convert_to('+4915144440003', 'UTF8'), k.key, 'sha256')), 1,
          'each is the HMAC-SHA256 of the E.164 number under the key');
SELECT is((SELECT count(*)::int FROM cart_abandon.erased_phones WHERE phone_hmac = sha256(convert_to('+4915144440003', 'UTF8'))), 0,
          'not a bare hash anyone can recompute');
SELECT ok(NOT has_table_privilege('cart_abandon_operator', 'cart_abandon.erasure_key', 'SELECT')
          AND NOT has_table_privilege('cart_abandon_operator', 'cart_abandon.erased_phones', 'SELECT')
          AND NOT has_table_privilege('cart_abandon_monitor', 'cart_abandon.erasure_key', 'SELECT'),
          'the key and the hashes are the extension owner''s alone');

-- Late webhooks: the reminder's statuses (naming the WhatsApp user), a STOP reply from one
-- number and a marketing preference of another; none writes a number or wa_id back.
SELECT fixture.standin_post('/inbound', '{"type": "text", "from": "+4915144440003", "text": "STOP"}');
SELECT fixture.standin_post('/inbound', '{"type": "user_preferences", "from": "+4915144440001", "value": "stop"}');
SELECT ok((fixture.deliver_webhooks() ->> 'statuses_applied')::int > 0, 'late webhooks arrive (statuses applied)');
SELECT is((SELECT coalesce(provider_recipient_id, '-') || ' ' || coalesce(webhook_status, 'no status') FROM cart_abandon.deliveries WHERE cart_id = 'gone_reminded'),
          '- read', 'the erased row takes the status (the figures) but not the wa_id back');
SELECT is(holding('44440003') || ' ' || holding('44440001'), 'none none',
          'no opt-out or preference row names an erased number (the suppression holds them)');

-- The shop writes opt-outs by hand: an erased number's is not kept, an email address's is.
INSERT INTO cart_abandon.opt_outs (address, source) VALUES ('+4915144440003', 'manual');
INSERT INTO cart_abandon.opt_outs (kind, address, source) VALUES ('email', 'gone@example.com', 'manual');
SELECT is((SELECT string_agg(kind || ' ' || address, ',') FROM cart_abandon.opt_outs WHERE source = 'manual'),
          'email gone@example.com', 'an opt-out naming an erased number is not kept; one of another kind is');
DELETE FROM cart_abandon.opt_outs WHERE kind = 'email';

-- Later carts of the same numbers, without the customer: never messaged.
SELECT fixture.make_cart('later_guest', '30 hours', phone => '0049 151 4444 0003', email => 'new@example.com');
SELECT fixture.make_cart('later_customer_phone', '30 hours', phone => '015144440001');
SELECT fixture.make_cart('later_address_phone', '30 hours', phone => '+49 151 44440002');
SELECT is(decided('later_guest'), '1:skipped:erased', 'a later guest cart of the same number, typed otherwise: not reminded');
SELECT is(decided('later_customer_phone') || ' ' || decided('later_address_phone'), '1:skipped:erased 1:skipped:erased',
          'nor one of the customer''s own number or of the saved address''s');
SELECT is(decided('someone_else'), 'not examined', 'someone else was reminded as usual (in the run)');
CALL cart_abandon_run();
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone LIKE '+4915144440%'), 1,
          'the stand-in received one message for those numbers: the one before the erasure');
SELECT is((SELECT string_agg(cart_id || ':' || skip_reason || ':' || coalesce(recipient, 'no phone'), ',' ORDER BY cart_id)
             FROM cart_abandon.deliveries WHERE cart_id LIKE 'later_%'),
          'later_address_phone:erased:no phone,later_customer_phone:erased:no phone,later_guest:erased:no phone',
          'recorded as erased, without the number');
SELECT is(holding('44440003') || ' ' || holding('44440001'), 'none none', 'and still no table holds the numbers');
SELECT is((cart_abandon_stats() -> 'skipped' ->> 'erased')::int, 4, 'the stats count erased skips');

-- A process call erases too; detection follows deleted_at (an hour of overlap), not every customer ever.
INSERT INTO public.customer (id, first_name, phone, has_account) VALUES ('cus_gone_2', 'Hugo', '0151 66660001', true);
SELECT fixture.make_cart('gone_2_reminded', '30 hours', phone => '0151 66660002', customer_id => 'cus_gone_2');
SELECT is((SELECT action FROM cart_abandon_process(10000, NULL) WHERE cart_id = 'gone_2_reminded'), 'sent', 'another customer reminded');
UPDATE public.customer SET deleted_at = now() WHERE id = 'cus_gone_2';
SELECT count(*) FROM cart_abandon_process(10000, NULL);
SELECT is(holding('66660002'), 'none', 'a process call that is no dry run applies the erasure');
SELECT ok((SELECT customers_checked_at > now() - interval '1 minute' FROM cart_abandon.erasure_key), 'and records how far it looked');

SELECT * FROM finish();
