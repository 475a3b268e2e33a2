-- The soak's shop, webhook feed and checks (scripts/soak.sh), in schema "soak" of pg_cron's
-- database, next to Medusa's tables and the fixtures' helpers (test/fixtures/helpers.sql).

CREATE SCHEMA soak;
CREATE SEQUENCE soak.cart_seq;

-- Carts a shopper's session held locked (SELECT ... FOR UPDATE, idle in transaction, then a
-- metadata write of its own that must survive next to cart_abandon's).
CREATE TABLE soak.locked (cart_id text PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp());

-- Every webhook body taken from the stand-in, applied (once, at first try or later) or not.
CREATE TABLE soak.webhooks (
    id         bigserial PRIMARY KEY,
    body       text NOT NULL,
    signature  text NOT NULL,
    fetched_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    applied_at timestamptz,
    result     jsonb,
    attempts   integer NOT NULL DEFAULT 0,
    last_error text
);
CREATE INDEX ON soak.webhooks (id) WHERE applied_at IS NULL;
-- Bodies applied again later, as Meta does when it did not see a 200 in time.
CREATE TABLE soak.replays (
    id         bigserial PRIMARY KEY,
    webhook_id bigint NOT NULL,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    result     jsonb,
    error      text
);
-- What shoppers answered (queued at the stand-in, which turns them into signed webhooks).
CREATE TABLE soak.inbound (
    id       bigserial PRIMARY KEY,
    phone    text NOT NULL,
    kind     text NOT NULL,
    opts_out boolean NOT NULL,
    at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- The stand-in's record of send requests, copied in once everything has stopped.
CREATE TABLE soak.requests (
    seq       integer,
    at        timestamptz,
    to_phone  text,
    cart_id   text,
    stage     integer,
    ledger_id bigint,
    accepted  boolean,
    wamid     text,
    status    integer,
    code      integer,
    fault     text
);

-- The numbers Meta reports failed (131026) after accepting: the stand-in's webhook plan.
CREATE FUNCTION soak.failing_phone(k integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT '+4915200000' || lpad(k::text, 3, '0') $$;

CREATE FUNCTION soak.cart_id(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'soak_' || lpad(n::text, 7, '0') $$;

-- Cart n's phone and the country it was typed in: German mobiles typed two ways, every 13th the
-- same person as the cart before (one voice: a frequency-cap hold), every 41st none, every 43rd
-- a blocked US number, every 47th one of 40 numbers Meta reports failed.
CREATE FUNCTION soak.phone_for(n bigint, OUT phone text, OUT country text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN n % 41 = 0 THEN NULL
                WHEN n % 43 = 0 THEN '(201) 555-' || lpad((n % 10000)::text, 4, '0')
                WHEN n % 47 = 0 THEN soak.failing_phone((n / 47 % 40 + 1)::int)
                WHEN n % 13 = 0 THEN '+49 151 1' || lpad((n - 1)::text, 7, '0')
                WHEN n % 3 = 0 THEN '0151 1' || lpad(n::text, 7, '0')
                ELSE '+49 151 1' || lpad(n::text, 7, '0') END,
           CASE WHEN n % 43 = 0 THEN 'us' ELSE 'de' END
$$;

-- One round of the shop's writes, as Medusa makes them (a transaction per cart): new carts (half
-- with their last activity in the past, due at once; half new, due after first_delay), shoppers
-- coming back to recent carts (email, items added, removed, quantities, a phone typed at last),
-- and purchases (completed carts, half with an order). Adds the rows written to writes.
CREATE PROCEDURE soak.shop_round(INOUT writes integer DEFAULT 0)
LANGUAGE plpgsql AS $$
DECLARE
    changed integer;
    n bigint;
    top bigint;
    cart text;
    at timestamptz;
    p record;
    k integer;
BEGIN
    FOR k IN 1 .. 2 + floor(random() * 4)::int LOOP
        n := nextval('soak.cart_seq');
        cart := soak.cart_id(n);
        at := now() - CASE WHEN random() < 0.5 THEN make_interval(secs => 35 + random() * 50) ELSE interval '0' END;
        p := soak.phone_for(n);
        INSERT INTO public.cart_address (id, first_name, country_code, phone, created_at, updated_at)
        VALUES ('caaddr_' || cart, (ARRAY['Anna', 'Ravi', 'Zoë', 'Li Wei', NULL])[1 + n % 5], p.country, p.phone, at, at);
        INSERT INTO public.cart (id, email, currency_code, shipping_address_id, metadata, created_at, updated_at)
        VALUES (cart, 'shopper' || n || '@example.com', 'eur', 'caaddr_' || cart, jsonb_build_object('keep', cart),
                at - interval '5 minutes', at);
        INSERT INTO public.cart_line_item (id, cart_id, title, quantity, unit_price, raw_unit_price, created_at, updated_at)
        SELECT 'cali_' || cart || '_' || i, cart, 'Item ' || i, 1, 19.99, '{"value": "19.99", "precision": 20}', at, at
          FROM generate_series(1, 1 + (n % 3)::int) AS i;
        writes := writes + 3 + (n % 3)::int;
        COMMIT;
    END LOOP;
    top := currval('soak.cart_seq');
    FOR k IN 1 .. floor(random() * 4)::int LOOP
        cart := soak.cart_id(greatest(1, top - floor(random() * 400)::bigint));
        changed := NULL;
        CASE floor(random() * 7)::int
        WHEN 0 THEN
            UPDATE public.cart c SET email = 'back' || floor(random() * 1000) || '.' || c.email, updated_at = now()
             WHERE c.id = cart AND c.completed_at IS NULL;
        WHEN 1 THEN
            INSERT INTO public.cart_line_item (id, cart_id, title, quantity, unit_price, raw_unit_price)
            SELECT 'cali_' || c.id || '_x' || floor(random() * 1e9), c.id, 'Added', 1, 5, '{"value": "5", "precision": 20}'
              FROM public.cart c WHERE c.id = cart AND c.completed_at IS NULL;
        WHEN 2 THEN
            UPDATE public.cart_line_item li SET deleted_at = now(), updated_at = now()
             WHERE li.id = (SELECT l.id FROM public.cart_line_item l
                             WHERE l.cart_id = cart AND l.deleted_at IS NULL ORDER BY l.id LIMIT 1);
        WHEN 3 THEN
            UPDATE public.cart_line_item li SET quantity = li.quantity % 5 + 1, updated_at = now()
             WHERE li.cart_id = cart AND li.deleted_at IS NULL;
        WHEN 4 THEN  -- the shopper reaches the address step: a phone at last
            UPDATE public.cart_address a SET phone = '+49 151 2' || lpad(floor(random() * 1e7)::text, 7, '0'), updated_at = now()
             WHERE a.id = 'caaddr_' || cart AND a.phone IS NULL;
        ELSE  -- bought: completed, half of them with an order linked
            UPDATE public.cart c SET completed_at = now(), updated_at = now() WHERE c.id = cart AND c.completed_at IS NULL;
            GET DIAGNOSTICS changed = ROW_COUNT;
            IF changed = 1 AND random() < 0.5 THEN
                INSERT INTO public."order" (id, email, currency_code)
                SELECT 'order_' || c.id, c.email, 'eur' FROM public.cart c WHERE c.id = cart;
                INSERT INTO public.order_cart (order_id, cart_id, id) VALUES ('order_' || cart, cart, 'ordercart_' || cart);
                changed := changed + 2;
            END IF;
        END CASE;
        IF changed IS NULL THEN GET DIAGNOSTICS changed = ROW_COUNT; END IF;
        writes := writes + changed;
        COMMIT;
    END LOOP;
END
$$;

-- One round of Meta's side: now and then a shopper answers (a STOP reply, the "Stop promotions"
-- button, a marketing-preference stop, or a question that is no opt-out); then every queued
-- update is taken from the stand-in (shuffled, some duplicated there) in bodies of 1 to 50
-- updates and applied one body per transaction, in random order, a share held back to a later
-- round (out of order across bodies too); a body that fails stays to be tried again. Then a few
-- bodies applied before are applied again (Meta's retries), which must change nothing.
CREATE PROCEDURE soak.webhook_round(hold_back float8 DEFAULT 0.2, replays integer DEFAULT 2,
                                    inbound_rate float8 DEFAULT 0.3)
LANGUAGE plpgsql AS $$
DECLARE
    w record;
    r jsonb;
    phone text;
    kind text;
    top bigint;
BEGIN
    IF random() < inbound_rate THEN
        SELECT d.recipient INTO phone FROM cart_abandon.deliveries d
         WHERE d.id >= (SELECT max(m.id) - floor(random() * 2000) FROM cart_abandon.deliveries m)
           AND d.status = 'sent' AND d.recipient IS NOT NULL ORDER BY d.id LIMIT 1;
        IF phone IS NOT NULL THEN
            kind := (ARRAY['stop_reply', 'stop_button', 'preference_stop', 'question'])[1 + floor(random() * 4)::int];
            PERFORM fixture.standin_post('/inbound', CASE kind
                WHEN 'stop_reply' THEN jsonb_build_object('type', 'text', 'from', phone, 'text', 'STOP')
                WHEN 'stop_button' THEN jsonb_build_object('type', 'button', 'from', phone, 'text', 'Stop promotions')
                WHEN 'preference_stop' THEN jsonb_build_object('type', 'user_preferences', 'from', phone, 'value', 'stop')
                ELSE jsonb_build_object('type', 'text', 'from', phone, 'text', 'Is the blue one still in stock?') END);
            INSERT INTO soak.inbound (phone, kind, opts_out) VALUES (phone, kind, kind <> 'question');
        END IF;
    END IF;
    INSERT INTO soak.webhooks (body, signature)
    SELECT body, signature FROM fixture.standin_webhooks(1 + floor(random() * 50)::int);
    COMMIT;
    FOR w IN SELECT h.id, h.body, h.signature FROM soak.webhooks h
              WHERE h.applied_at IS NULL AND (random() >= hold_back OR h.fetched_at < clock_timestamp() - interval '3 s')
              ORDER BY random() LOOP
        BEGIN
            r := cart_abandon_webhook(w.body, w.signature);
            UPDATE soak.webhooks SET applied_at = clock_timestamp(), result = r, attempts = attempts + 1 WHERE id = w.id;
        EXCEPTION WHEN OTHERS THEN
            UPDATE soak.webhooks SET attempts = attempts + 1, last_error = SQLSTATE || ': ' || SQLERRM WHERE id = w.id;
        END;
        COMMIT;
    END LOOP;
    SELECT max(id) INTO top FROM soak.webhooks WHERE applied_at IS NOT NULL;
    FOR k IN 1 .. CASE WHEN top IS NULL THEN 0 ELSE replays END LOOP
        SELECT h.id, h.body, h.signature INTO w FROM soak.webhooks h
         WHERE h.id >= floor(random() * top) AND h.applied_at IS NOT NULL ORDER BY h.id LIMIT 1;
        BEGIN
            r := cart_abandon_webhook(w.body, w.signature);
            INSERT INTO soak.replays (webhook_id, result) VALUES (w.id, r);
        EXCEPTION WHEN OTHERS THEN
            INSERT INTO soak.replays (webhook_id, error) VALUES (w.id, SQLSTATE || ': ' || SQLERRM);
        END;
        COMMIT;
    END LOOP;
END
$$;

-- The stand-in's record of send requests, into soak.requests (once, at the end): the cart is the
-- message's second parameter, the stage its template, the ledger row its callback data
-- (cart_abandon:<ledger row>:<claim time>).
CREATE FUNCTION soak.load_requests() RETURNS bigint
LANGUAGE sql AS $$
    INSERT INTO soak.requests
    SELECT (r ->> 'seq')::int, to_timestamp((r ->> 'at')::float8), r ->> 'to', r -> 'params' ->> 1,
           CASE r ->> 'template' WHEN 'cart_abandonment_first' THEN 1 WHEN 'cart_abandonment_second' THEN 2 END,
           nullif(split_part(r ->> 'biz_opaque_callback_data', ':', 2), '')::bigint,
           (r ->> 'accepted')::boolean, r ->> 'wamid', (r ->> 'status')::int, (r ->> 'code')::int, r ->> 'fault'
      FROM jsonb_array_elements(fixture.standin_call('GET', '/requests')) AS r;
    SELECT count(*) FROM soak.requests;
$$;

-- ---- the checks: each view lists its violations (none expected) ----

-- Two accepted messages for one cart and stage.
CREATE VIEW soak.duplicates AS
    SELECT cart_id, stage, count(*) AS messages, string_agg(wamid, ' ' ORDER BY seq) AS wamids
      FROM soak.requests WHERE accepted GROUP BY cart_id, stage HAVING count(*) > 1;

-- An accepted message whose ledger row does not say sent with its wamid (failed is right only
-- when Meta reported it failed after accepting it: failed_at).
CREATE VIEW soak.unrecorded AS
    SELECT r.cart_id, r.stage, r.wamid, d.id AS ledger_id, d.status, d.provider_message_id AS ledger_wamid
      FROM soak.requests r LEFT JOIN cart_abandon.deliveries d ON d.id = r.ledger_id
     WHERE r.accepted
       AND (d.id IS NULL OR d.cart_id IS DISTINCT FROM r.cart_id OR d.stage IS DISTINCT FROM r.stage
            OR d.provider_message_id IS DISTINCT FROM r.wamid
            OR NOT (d.status = 'sent' OR (d.status = 'failed' AND d.failed_at IS NOT NULL)));

-- A ledger row that says sent with no accepted message of that wamid.
CREATE VIEW soak.phantoms AS
    SELECT d.id, d.cart_id, d.stage, d.provider_message_id FROM cart_abandon.deliveries d
     WHERE d.status = 'sent' AND d.origin = 'cart_abandon'
       AND NOT EXISTS (SELECT FROM soak.requests r WHERE r.accepted AND r.wamid = d.provider_message_id);

CREATE VIEW soak.left_claimed AS
    SELECT id, cart_id, stage, claimed_at, claim_session FROM cart_abandon.deliveries WHERE status = 'claimed';

-- A second reminder without an accepted first, or sooner than second_delay - first_delay after
-- it (1 s of slack for the two clocks' readings).
CREATE VIEW soak.early_seconds AS
    SELECT s.cart_id, s.at AS second_at, f.at AS first_at FROM soak.requests s
      LEFT JOIN soak.requests f ON f.cart_id = s.cart_id AND f.stage = 1 AND f.accepted
     WHERE s.stage = 2 AND s.accepted
       AND (f.at IS NULL OR s.at < f.at + current_setting('cart_abandon.second_delay')::interval
                                        - current_setting('cart_abandon.first_delay')::interval - interval '1 s');

-- A message accepted more than 30 s after the cart was completed, or after its number's opt-out
-- was recorded (a batch decided just before may still be on its way).
CREATE VIEW soak.after_purchase AS
    SELECT r.cart_id, r.stage, r.at, c.completed_at FROM soak.requests r JOIN public.cart c ON c.id = r.cart_id
     WHERE r.accepted AND r.at > c.completed_at + interval '30 s';
CREATE VIEW soak.after_opt_out AS
    SELECT r.cart_id, r.stage, r.to_phone, r.at, o.created_at AS opted_out_at FROM soak.requests r
      JOIN cart_abandon.opt_outs o ON o.kind = 'phone' AND o.address = r.to_phone
     WHERE r.accepted AND r.at > o.created_at + interval '30 s';

-- Every body taken from the stand-in applied; applying one again changed nothing (unless its
-- first application kept a status for a message not yet recorded); no status of a message
-- cart_abandon sent left unapplied (kept statuses apply once their message is recorded).
CREATE VIEW soak.unapplied_webhooks AS
    SELECT id, attempts, last_error FROM soak.webhooks WHERE applied_at IS NULL;
CREATE VIEW soak.replays_that_changed AS
    SELECT p.webhook_id, p.result, p.error FROM soak.replays p JOIN soak.webhooks w ON w.id = p.webhook_id
     WHERE p.error IS NOT NULL
        OR ((w.result ->> 'statuses_kept')::int = 0 AND (p.result ->> 'statuses_applied')::int > 0)
        OR (p.result ->> 'opt_outs_added')::int > 0 OR (p.result ->> 'opt_outs_removed')::int > 0;
CREATE VIEW soak.unapplied_statuses AS
    SELECT k.id, k.provider_message_id, k.status, k.delivery_id, k.received_at FROM cart_abandon.kept_statuses k
     WHERE k.delivery_id IS NOT NULL OR EXISTS (SELECT FROM cart_abandon.deliveries d WHERE d.provider_message_id = k.provider_message_id);

-- The ledger after every webhook: each message sent stands at read (the stand-in's plan: sent,
-- delivered, read), each to a failing number failed with 131026.
CREATE VIEW soak.webhook_outcomes AS
    SELECT d.id, d.cart_id, d.stage, d.recipient, d.status, d.webhook_status, d.error_code
      FROM cart_abandon.deliveries d
     WHERE d.origin = 'cart_abandon' AND d.provider_message_id IS NOT NULL
       AND CASE WHEN d.recipient LIKE '+4915200000%'
                THEN NOT (d.status = 'failed' AND d.error_code IS NOT DISTINCT FROM 131026)
                ELSE NOT (d.status = 'sent' AND d.webhook_status IS NOT DISTINCT FROM 'read') END;

-- Opt-outs are exactly the numbers whose shoppers said stop (a question is none).
CREATE VIEW soak.opt_out_mismatches AS
    SELECT i.phone, 'said stop, not opted out' AS problem FROM soak.inbound i
     WHERE i.opts_out AND NOT EXISTS (SELECT FROM cart_abandon.opt_outs o WHERE o.kind = 'phone' AND o.address = i.phone)
    UNION ALL
    SELECT o.address, 'opted out (' || o.source || ') without saying stop' FROM cart_abandon.opt_outs o
     WHERE NOT EXISTS (SELECT FROM soak.inbound i WHERE i.opts_out AND i.phone = o.address);

-- The shop's metadata next to ours: every cart keeps its own key, a locked cart the key its
-- session wrote, and each sent stage is in the metadata.
CREATE VIEW soak.metadata_problems AS
    SELECT c.id, 'lost its keep key' AS problem FROM public.cart c
     WHERE c.id LIKE 'soak\_%' AND c.metadata ->> 'keep' IS DISTINCT FROM c.id
    UNION ALL
    SELECT l.cart_id, 'lost the locking session''s key' FROM soak.locked l JOIN public.cart c ON c.id = l.cart_id
     WHERE c.metadata ->> 'held_by_shop' IS DISTINCT FROM 'true'
    UNION ALL
    SELECT d.cart_id, 'stage ' || d.stage || ' sent, not in the metadata' FROM cart_abandon.deliveries d
      JOIN public.cart c ON c.id = d.cart_id
     WHERE d.status = 'sent' AND d.origin = 'cart_abandon'
       AND c.metadata -> 'notifications' ->> (CASE d.stage WHEN 1 THEN 'firstSent' ELSE 'secondSent' END) IS DISTINCT FROM 'true';
