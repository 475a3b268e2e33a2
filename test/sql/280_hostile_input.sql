-- Shopper-controlled text that tries to break things flows through safely: cart ids, names,
-- emails and metadata with quotes, backslashes, $$, ;, escaped NULs, huge strings and invalid
-- JSON inside strings. Every value reaches SQL as a parameter and Meta as a JSON string.
-- No BEGIN: cart_abandon_process commits in its own transactions (this file runs in a database of
-- its own).
SELECT plan(16);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

SELECT fixture.make_cart($id$cart_'";\$$--DROP TABLE cart;$id$, '30 hours', phone => '0151 95000001',
                         first_name => $n$Robert'); DROP TABLE customer;--$n$,
                         email => $e$o'brien"\$$@example.com$e$,
                         metadata => $m${"note": "{\"unterminated", "nul": "\\u0000", "dollar": "$$;", "quote": "'\""}$m$);
SELECT fixture.make_cart('cart_long_name', '30 hours', phone => '0151 95000002', first_name => repeat('Ä', 10000));
SELECT fixture.make_cart('cart_' || repeat('x', 900), '30 hours', phone => '0151 95000003', first_name => E'tab\there\nnewline      spaces');
SELECT fixture.make_cart('cart_phone_injection', '30 hours', phone => $p$'; DROP TABLE cart_address; --$p$);
SELECT fixture.make_cart('cart_rtl', '30 hours', phone => '0151 95000004', first_name => 'محمد‏ ‎علي');

CREATE TEMP TABLE hostile_rows AS SELECT * FROM cart_abandon_process(100, NULL);
SELECT is((SELECT action FROM hostile_rows WHERE cart_id = $id$cart_'";\$$--DROP TABLE cart;$id$), 'sent',
          'a cart id full of quotes, backslashes, $$ and ; is processed and sent');
SELECT is((SELECT params ->> 1 FROM fixture.standin_requests() WHERE to_phone = '+4915195000001'), $id$cart_'";\$$--DROP TABLE cart;$id$,
          'Meta gets that cart id verbatim as a JSON string');
SELECT is((SELECT params ->> 2 FROM fixture.standin_requests() WHERE to_phone = '+4915195000001'),
          'https://shop.example/cart/recover/cart_%27%22%3B%5C%24%24--DROP%20TABLE%20cart%3B',
          'and the link percent-encodes it');
SELECT is((SELECT params ->> 0 FROM fixture.standin_requests() WHERE to_phone = '+4915195000001'), $n$Robert'); DROP TABLE customer;--$n$,
          'a name that looks like SQL is just a name');
SELECT is((SELECT metadata - 'notifications' FROM public.cart WHERE id = $id$cart_'";\$$--DROP TABLE cart;$id$),
          $m${"note": "{\"unterminated", "nul": "\\u0000", "dollar": "$$;", "quote": "'\""}$m$::jsonb,
          'metadata with broken JSON in strings, escaped NULs, $$ and quotes is kept exactly');
SELECT is((SELECT metadata -> 'notifications' ->> 'firstSent' FROM public.cart WHERE id = $id$cart_'";\$$--DROP TABLE cart;$id$), 'true',
          '... next to the reminder''s record');
SELECT is((SELECT cart_id FROM cart_abandon_process(100, (SELECT next_cursor FROM hostile_rows WHERE cart_id = 'cart_' || repeat('x', 900)), '{"dryRun": true}') LIMIT 1),
          NULL, 'the cursor after a 905-character id works (nothing after it is due)');
SELECT is((SELECT length(params ->> 0) FROM fixture.standin_requests() WHERE to_phone = '+4915195000002'), 60,
          'a 10,000-character name is cut to 60 characters');
SELECT is((SELECT params ->> 0 FROM fixture.standin_requests() WHERE to_phone = '+4915195000003'), 'tab here newline spaces',
          'tabs, newlines and runs of spaces become single spaces (Meta refuses them)');
SELECT is((SELECT length(params ->> 1) FROM fixture.standin_requests() WHERE to_phone = '+4915195000003'), 200,
          'a 905-character cart id is cut to 200 characters in the text parameter');
SELECT is((SELECT action FROM hostile_rows WHERE cart_id = 'cart_' || repeat('x', 900)), 'sent', '... and the cart is sent');
SELECT is((SELECT detail FROM hostile_rows WHERE cart_id = 'cart_phone_injection'), 'invalid_phone: shipping phone: not a phone number',
          'SQL typed as a phone number is refused as a phone number');
SELECT is((SELECT params ->> 0 FROM fixture.standin_requests() WHERE to_phone = '+4915195000004'), 'محمد علي',
          'Arabic survives; its direction marks (format characters) go');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE status <> 200), 0, 'Meta (the stand-in) accepted every message it got');
SELECT has_table('public', 'cart', 'the cart table is still there');
SELECT has_table('public', 'customer', 'and so is customer');
SELECT * FROM finish();
