#!/usr/bin/env bash
# Code another role controls never runs with the extension owner's rights (a superuser here).
# Medusa's tables belong to a role of their own with no cart_abandon grant at all, as in a real
# shop; that role attaches to them everything PostgreSQL lets a table owner attach: triggers (row,
# statement, deferred), a rule, an index expression, a generated column, row-level policies on
# each of the nine tables (read by every run), a view in a table's place, a procedure overloading
# the one pg_cron calls. Each trap notes who ran it and tries to make its owner a superuser. The
# hourly run (as pg_cron runs it: the extension owner), an operator's cart_abandon_process and the
# webhook receiver then do their work. Then the operator's own attacks: the settings that name a
# schema, before and after the library is loaded.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
source "$(dirname "$0")/lib/server.sh"
plan 32

OWNER=ca_medusa_owner
OP=ca_attack_op
HOOK=ca_attack_hook
as_role() { local role="$1"; shift; psql -X -qtA -v ON_ERROR_STOP=1 -c "SET ROLE $role" -c "$1"; }
is_super() { q "SELECT rolsuper FROM pg_roles WHERE rolname = '$OWNER'"; }
# Every run scans in full: carts become due below by an item added with an old time.
run() { PGOPTIONS="-c cart_abandon.full_scan_interval=0" psql -X -qtA -v VERBOSITY=verbose -c "$1" 2>&1; }
# Medusa adds an item to a cart, as its own role (the traps then run as that role, as in a shop).
add_item() {
    as_role "$OWNER" "INSERT INTO public.cart_line_item (id, cart_id, title, quantity, unit_price, raw_unit_price, created_at, updated_at)
                      VALUES ('cali_$1', '$1', 'Item', 1, 10, '{\"value\": \"10\"}', now() - interval '30 hours', now() - interval '30 hours')" > /dev/null
}

q "DO \$\$ BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$OWNER') THEN CREATE ROLE $OWNER NOLOGIN; END IF;
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$OP') THEN CREATE ROLE $OP NOLOGIN; END IF;
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$HOOK') THEN CREATE ROLE $HOOK NOLOGIN; END IF;
   END \$\$" > /dev/null
q "ALTER ROLE $OWNER NOSUPERUSER" > /dev/null
q "CREATE EXTENSION cart_abandon" > /dev/null
q "GRANT cart_abandon_operator TO $OP; GRANT cart_abandon_webhook TO $HOOK" > /dev/null
q "SELECT fixture.standin_reset()" > /dev/null

# A shop with a row in each of Medusa's nine tables: carts due, one with a shipping method and a
# registered customer, and another shopper's order (with its cart and addresses).
q "SELECT fixture.make_cart('own_' || n, '30 hours', phone => '0151 3100000' || n) FROM generate_series(1, 3) AS n" > /dev/null
# Two more without an item yet (not open carts): Medusa adds their items later.
q "SELECT fixture.make_cart('own_' || n, '30 hours', phone => '0151 3100000' || n, items => 0) FROM generate_series(4, 5) AS n" > /dev/null
q "INSERT INTO public.customer (id, email, phone, created_at, updated_at) VALUES ('cus_own', 'own@example.com', NULL, now() - interval '40 hours', now() - interval '40 hours');
   INSERT INTO public.customer_address (id, customer_id, country_code, phone, is_default_shipping, created_at, updated_at)
   VALUES ('cuaddr_own', 'cus_own', 'de', NULL, true, now() - interval '40 hours', now() - interval '40 hours');
   UPDATE public.cart SET customer_id = 'cus_own' WHERE id = 'own_1';
   INSERT INTO public.cart_shipping_method (id, cart_id, name, amount, raw_amount, created_at, updated_at)
   VALUES ('casm_own', 'own_1', 'Standard', 5, '{\"value\": \"5\"}', now() - interval '30 hours', now() - interval '30 hours');
   SELECT fixture.make_cart('own_done', '40 hours', phone => '0151 31000099', email => 'done@example.com');
   UPDATE public.cart SET completed_at = now() - interval '39 hours' WHERE id = 'own_done';
   INSERT INTO public.order_address (id, country_code, phone, created_at, updated_at) VALUES ('oaddr_own', 'de', '0151 31000099', now(), now());
   INSERT INTO public.\"order\" (id, email, currency_code, shipping_address_id, created_at, updated_at)
   VALUES ('order_own', 'done@example.com', 'eur', 'oaddr_own', now() - interval '39 hours', now() - interval '39 hours');
   INSERT INTO public.order_cart (order_id, cart_id, id) VALUES ('order_own', 'own_done', 'ordercart_own');
   SELECT fixture.runs_before(now() - interval '40 hours')" > /dev/null

# Medusa's role owns its tables (it made them with its migrations) and may create in public, as
# a database's owner may; it has no grant of cart_abandon's.
TABLES="cart cart_address cart_line_item cart_shipping_method customer customer_address \"order\" order_address order_cart
        cart_payment_collection payment_collection payment_session payment sales_channel region"
for t in $TABLES; do q "ALTER TABLE public.$t OWNER TO $OWNER" > /dev/null; done
q "CREATE SCHEMA attack AUTHORIZATION $OWNER; GRANT CREATE ON SCHEMA public TO $OWNER" > /dev/null
is "$(q "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
          WHERE u.rolname = '$OWNER' AND r.rolname LIKE 'cart_abandon%'")" 0 "Medusa's role holds no cart_abandon grant"

# The traps. note() logs who runs it (current_user, and whether that role is a superuser) and tries
# to promote its owner; it never fails the statement.
as_role "$OWNER" "
CREATE TABLE attack.log (vector text, who text, superuser boolean);
CREATE FUNCTION attack.note(vector text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS \$f\$
BEGIN
    INSERT INTO attack.log SELECT vector, current_user, r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user;
    BEGIN
        EXECUTE 'ALTER ROLE $OWNER SUPERUSER';
    EXCEPTION WHEN OTHERS THEN NULL;
    END;
    RETURN true;
END \$f\$;
CREATE FUNCTION attack.note_immutable(vector text, x jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE AS
    \$f\$ BEGIN PERFORM attack.note(vector); RETURN ''; END \$f\$;
CREATE FUNCTION attack.on_update() RETURNS trigger LANGUAGE plpgsql AS
    \$f\$ BEGIN PERFORM attack.note('trigger ' || TG_LEVEL); RETURN CASE WHEN TG_LEVEL = 'ROW' THEN NEW END; END \$f\$;
CREATE TRIGGER attack_row BEFORE UPDATE ON public.cart FOR EACH ROW EXECUTE FUNCTION attack.on_update();
CREATE TRIGGER attack_statement AFTER UPDATE ON public.cart FOR EACH STATEMENT EXECUTE FUNCTION attack.on_update();
CREATE RULE attack_rule AS ON UPDATE TO public.cart DO ALSO SELECT attack.note('rule');
CREATE INDEX attack_index ON public.cart ((attack.note_immutable('index expression', metadata)));
ALTER TABLE public.cart ADD COLUMN attack_generated text GENERATED ALWAYS AS (attack.note_immutable('generated column', metadata)) STORED;
TRUNCATE attack.log;
" > /dev/null
for t in $TABLES; do
    as_role "$OWNER" "ALTER TABLE public.$t ENABLE ROW LEVEL SECURITY; ALTER TABLE public.$t FORCE ROW LEVEL SECURITY;
                      CREATE POLICY attack_read ON public.$t USING (attack.note('policy on ' || '$t'))" > /dev/null
done
as_role "$OWNER" "CREATE PROCEDURE public.cart_abandon_run() LANGUAGE plpgsql AS \$f\$ BEGIN PERFORM attack.note('overload'); END \$f\$" > /dev/null

# The hourly run as pg_cron runs it: the scheduled job's command, as the extension's owner.
command=$(q "SELECT cart_abandon.scheduled_command()")
run "$command" > /dev/null
is "$(q "SELECT string_agg(cart_id || ':' || status, ',' ORDER BY cart_id) FROM cart_abandon.deliveries")" \
   "own_1:sent,own_2:sent,own_3:sent" "the hourly run sends past every trap (own_done was bought, own_4 and own_5 have no item yet)"
is "$(q "SELECT count(*) FROM cart_abandon.runs")" 1 "the job's command ran cart_abandon's procedure, not the overload"
is "$(q "SELECT count(*) FROM attack.log WHERE vector = 'overload'")" 0 "the overload never ran"
is "$(run 'CALL public.cart_abandon_run()' | grep -c 'is not unique')" 1 \
   "(1.4's command, CALL public.cart_abandon_run(), is no longer even callable with the overload there)"
as_role "$OWNER" "DROP PROCEDURE public.cart_abandon_run()" > /dev/null
# Since 1.7 the procedure's signature is (jsonb, bigint): one taking the job's exact argument can be
# created beside it, and makes the command ambiguous (refused), never the one chosen.
as_role "$OWNER" "CREATE PROCEDURE public.cart_abandon_run(options jsonb) LANGUAGE plpgsql AS \$f\$ BEGIN PERFORM attack.note('overload'); END \$f\$" > /dev/null
is "$(run "$command" | grep -c 'is not unique')|$(q "SELECT count(*) FROM attack.log WHERE vector = 'overload'")" "1|0" \
   "an overload of the job's exact argument makes its command refused, and never runs"
as_role "$OWNER" "DROP PROCEDURE public.cart_abandon_run(jsonb)" > /dev/null
is "$(q "SELECT string_agg(DISTINCT metadata -> 'notifications' ->> 'firstSent', ',') FROM public.cart WHERE id IN ('own_1', 'own_2', 'own_3')")" "true" \
   "cart metadata written, as the tables' owner"

# Every trap fired, and only ever as Medusa's role, never as a superuser.
for vector in "trigger ROW" "trigger STATEMENT" "rule" "index expression" "generated column"; do
    is "$(q "SELECT count(*) > 0 FROM attack.log WHERE vector = '$vector'")|$(q "SELECT count(*) FROM attack.log WHERE vector = '$vector' AND (who <> '$OWNER' OR superuser)")" \
       "t|0" "$vector: ran, as $OWNER only"
done
read_tables=$(q "SELECT count(DISTINCT vector) FROM attack.log WHERE vector LIKE 'policy on %'")
is "$read_tables|$(q "SELECT count(*) FROM attack.log WHERE vector LIKE 'policy on %' AND (who <> '$OWNER' OR superuser)")" \
   "9|0" "the policies of all nine tables ran when the run read them, as $OWNER only"
is "$(is_super)" f "Medusa's role is still no superuser"

# An operator's batch (in a background worker) and the webhook receiver write cart metadata too.
q "TRUNCATE attack.log" > /dev/null
add_item own_4
as_role "$OP" "SELECT count(*) FROM cart_abandon_process(10, NULL)" > /dev/null
is "$(q "SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'own_4'")" sent "the operator's batch sends"
body="{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"statuses\":[{\"id\":\"$(q "SELECT provider_message_id FROM cart_abandon.deliveries WHERE cart_id = 'own_2'")\",\"status\":\"failed\",\"timestamp\":\"$(date +%s)\",\"recipient_id\":\"4915131000002\",\"errors\":[{\"code\":131026,\"title\":\"Message undeliverable\"}]}]}}]}]}"
signature=$(q "SELECT fixture.sign('$body')")
as_role "$HOOK" "SELECT cart_abandon_webhook('$body', '$signature')" > /dev/null
is "$(q "SELECT metadata -> 'notifications' ->> 'firstError' FROM public.cart WHERE id = 'own_2'")" \
   "Meta error 131026: message undeliverable" "the webhook's failure reaches the cart's metadata"
is "$(q "SELECT count(*) > 0 FROM attack.log")|$(q "SELECT count(*) FROM attack.log WHERE who <> '$OWNER' OR superuser")|$(is_super)" \
   "t|0|f" "through the batch worker and the webhook too: the traps ran as $OWNER only"

# A deferred trigger: inside a security-restricted operation PostgreSQL refuses to queue it (it
# would fire at commit, as whoever commits). The write fails; the ledger keeps the reminder.
as_role "$OWNER" "CREATE FUNCTION attack.at_commit() RETURNS trigger LANGUAGE plpgsql AS \$f\$ BEGIN PERFORM attack.note('deferred'); RETURN NULL; END \$f\$;
                  CREATE CONSTRAINT TRIGGER attack_deferred AFTER UPDATE ON public.cart DEFERRABLE INITIALLY DEFERRED
                      FOR EACH ROW EXECUTE FUNCTION attack.at_commit()" > /dev/null
add_item own_5
warning=$(run "CALL cart_abandon_run()")
is "$(q "SELECT status || '|' || (metadata_pending_since IS NOT NULL)::text || '|' || (metadata_write_error LIKE '%deferred trigger%')::text FROM cart_abandon.deliveries WHERE cart_id = 'own_5'")" \
   "sent|true|true" "a deferred trigger: the reminder is recorded sent, its metadata pending with the reason"
is "$(grep -c 'WARNING:  01000: cart_abandon: the metadata of 1 cart could not be written (cart own_5: cannot fire deferred trigger' <<< "$warning")" 1 "the run warns of it, with the reason"
is "$(q "SELECT (cart_abandon_stats() -> 'cart_metadata' ->> 'failing')::int")" 1 "the stats count it"
is "$(q "SELECT count(*) FROM attack.log WHERE vector = 'deferred'")|$(is_super)" "0|f" "the deferred trigger never ran"
as_role "$OWNER" "DROP TRIGGER attack_deferred ON public.cart" > /dev/null
run "CALL cart_abandon_run()" > /dev/null
is "$(q "SELECT (metadata_pending_since IS NULL)::text || '|' || (SELECT metadata -> 'notifications' ->> 'firstSent' FROM public.cart WHERE id = 'own_5') FROM cart_abandon.deliveries WHERE cart_id = 'own_5'")" \
   "true|true" "once the shop removes the trigger, the next run writes the metadata"

# A view in a table's place, and tables of two owners: refused before anything is read.
as_role "$OWNER" "ALTER TABLE public.order_address RENAME TO order_address_real;
                  CREATE VIEW public.order_address AS SELECT * FROM public.order_address_real WHERE attack.note('view')" > /dev/null
refusal=$(run "CALL cart_abandon_run()")
is "$(grep -c 'ERROR:  42501: "public.order_address" is not a table' <<< "$refusal")|$(q "SELECT count(*) FROM attack.log WHERE vector = 'view'")" \
   "1|0" "a view in a table's place: refused (42501), never read"
as_role "$OWNER" "DROP VIEW public.order_address; ALTER TABLE public.order_address_real RENAME TO order_address" > /dev/null
q "ALTER TABLE public.order_cart OWNER TO $OP" > /dev/null
runs_before=$(q "SELECT count(*) FROM cart_abandon.runs")
refusal=$(run "CALL cart_abandon_run()")
is "$(grep -c "ERROR:  42501: Medusa's tables in schema \"public\" belong to different roles: .*order_cart ($OP)" <<< "$refusal")|$(q "SELECT count(*) FROM cart_abandon.runs")" \
   "1|$runs_before" "tables of two owners: refused before the run starts (no run row), naming them"
q "ALTER TABLE public.order_cart OWNER TO $OWNER" > /dev/null

# The operator's attacks: the schema cart_abandon reads is the superuser's to name.
as_role "$OWNER" "CREATE TABLE attack.cart (LIKE public.cart)" > /dev/null
denied=$(psql -X -qtA -c "SET ROLE $OP" -c "SET cart_abandon.medusa_schema = 'attack'" 2>&1)
is "$(grep -c 'permission denied to set parameter "cart_abandon.medusa_schema"' <<< "$denied")" 1 "operator: SET medusa_schema denied"
denied=$(psql -X -qtA -c "SET ROLE $OP" -c "ALTER ROLE $OP SET cart_abandon.medusa_schema = 'attack'" 2>&1)
is "$(grep -c 'permission denied' <<< "$denied")" 1 "operator: ALTER ROLE ... SET medusa_schema denied"
for schema in pg_temp pg_temp_3 pg_catalog information_schema; do
    refused=$(psql -X -qtA -c "SET cart_abandon.medusa_schema = '$schema'" 2>&1)
    is "$(grep -c 'invalid value for parameter "cart_abandon.medusa_schema"' <<< "$refused")" 1 "even a superuser cannot name $schema"
done

# Without the preload, a placeholder set before the library loads is a plain string anyone can
# set: PostgreSQL drops a non-superuser's value once the library defines the setting.
preload_cart_abandon off
trap 'preload_cart_abandon on' EXIT
after=$(psql -X -qtA -c "SET ROLE $OP" -c "SET cart_abandon.medusa_schema = 'attack'" \
             -c "SELECT count(*) FROM cart_abandon_process(10, NULL, '{\"dryRun\": true}')" \
             -c "SHOW cart_abandon.medusa_schema" 2>&1)
is "$(tail -1 <<< "$after")" public "not preloaded: the operator's placeholder is dropped when the library loads (public read, not attack)"
preload_cart_abandon on
trap - EXIT

is "$(is_super)|$(q "SELECT count(*) FROM attack.log WHERE superuser OR who <> '$OWNER'")" "f|0" \
   "in the end: Medusa's role is no superuser, and no trap ever ran as anyone else"
