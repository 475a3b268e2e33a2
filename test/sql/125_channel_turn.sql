-- One voice across channels (core/rules/channel_turn.hpp): the WhatsApp pass reads every
-- channel's rows of a cart's stage. A stage another channel holds is not WhatsApp's; a reminder
-- sent on another channel dates the next stage; a failed or hand-on row leaves it to WhatsApp.
-- (The other channels' rows are written here by hand: their passes come with their wiring.)
SELECT plan(12);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION decided(cart text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce((SELECT stage || ':' || action FROM cart_abandon_process(10000, NULL, '{"dryRun": true}') WHERE cart_id = cart),
                    'not examined')
$$;
CREATE FUNCTION email_row(cart text, status text, at interval, reason text DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, recipient, provider_message_id, sent_at,
                                         claimed_at, skip_reason, hold_reason, not_before)
    VALUES (cart, 1, 'email', status, 1, 'anna@example.com', CASE WHEN status = 'sent' THEN '<ca.1.x@shop.example>' END,
            CASE WHEN status = 'sent' THEN now() - at END, now() - at, reason,
            CASE WHEN status = 'held' THEN 'quiet_hours' END, CASE WHEN status = 'held' THEN now() + interval '1 hour' END)
$$;

SELECT fixture.make_cart('ct_sent', '30 hours');
SELECT email_row('ct_sent', 'sent', '5 hours');
SELECT fixture.make_cart('ct_sent_long_ago', '60 hours');
SELECT email_row('ct_sent_long_ago', 'sent', '30 hours');
SELECT fixture.make_cart('ct_sent_recently', '60 hours');
SELECT email_row('ct_sent_recently', 'sent', '20 hours');
SELECT fixture.make_cart('ct_held', '30 hours');
SELECT email_row('ct_held', 'held', '1 hour');
SELECT fixture.make_cart('ct_claimed', '30 hours');
SELECT email_row('ct_claimed', 'claimed', '1 minute');
SELECT fixture.make_cart('ct_unknown', '30 hours');
SELECT email_row('ct_unknown', 'unknown', '3 hours');
SELECT fixture.make_cart('ct_paid', '30 hours');
SELECT email_row('ct_paid', 'skipped', '3 hours', 'paid');
SELECT fixture.make_cart('ct_failed', '30 hours');
SELECT email_row('ct_failed', 'failed', '3 hours');
SELECT fixture.make_cart('ct_no_email', '30 hours');
SELECT email_row('ct_no_email', 'skipped', '3 hours', 'no_email');

SELECT is(decided('ct_sent'), 'not examined', 'stage 1 sent by email: not WhatsApp''s, and stage 2 not due yet');
SELECT is(decided('ct_sent_long_ago'), '2:would_send', 'stage 2 counts its gap from the email sent 30 h ago');
SELECT is(decided('ct_sent_recently'), 'not examined', '... and waits while that email is recent (20 h < 24 h)');
SELECT is(decided('ct_held'), 'not examined', 'held on email (quiet hours): not WhatsApp''s');
SELECT is(decided('ct_claimed'), 'not examined', 'claimed on email: not WhatsApp''s');
SELECT is(decided('ct_unknown'), 'not examined', 'unknown on email (it may have arrived): never a second channel');
SELECT is(decided('ct_paid'), 'not examined', 'skipped for the cart''s own reason (paid): closed for every channel');
SELECT is(decided('ct_failed'), '1:would_send', 'failed on email: WhatsApp, first in its order, takes its stage');
SELECT is(decided('ct_no_email'), '1:would_send', 'email could not reach: WhatsApp can');

SELECT is((SELECT string_agg(cart_id || ':' || stage || ':' || action, ',' ORDER BY cart_id) FROM cart_abandon_process(100, NULL)),
          'ct_failed:1:sent,ct_no_email:1:sent,ct_sent_long_ago:2:sent', 'a real run sends exactly those three');
SELECT is((SELECT string_agg(cart_id || ':' || stage || ':' || channel || ':' || status, ',' ORDER BY cart_id, channel)
             FROM cart_abandon.deliveries WHERE cart_id IN ('ct_failed', 'ct_sent_long_ago')),
          'ct_failed:1:email:failed,ct_failed:1:whatsapp:sent,ct_sent_long_ago:1:email:sent,ct_sent_long_ago:2:whatsapp:sent',
          'each on its own row');
SELECT is((SELECT count(*) FROM cart_abandon.deliveries WHERE fallback_of IS NOT NULL), 0::bigint,
          'WhatsApp first in its order took its own turn: no fallback recorded');
SELECT * FROM finish();
