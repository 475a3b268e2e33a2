-- The local environment (scripts/lib/local-env.sh) runs Twilio's stand-in and an SMTP sink beside
-- Meta's, and points the SMS and email settings at them (each channel off until enabled): the
-- fixtures read what each received.
SELECT plan(7);
SELECT lives_ok($$SELECT fixture.twilio_reset()$$, 'Twilio''s stand-in answers its control API');
SELECT is((SELECT count(*) FROM fixture.twilio_requests()), 0::bigint, '... and has no request after a reset');
SELECT lives_ok($$SELECT fixture.smtp_reset()$$, 'the SMTP sink answers its control API');
SELECT is((SELECT count(*) FROM fixture.smtp_messages()), 0::bigint, '... and has no message after a reset');
SELECT matches(current_setting('cart_abandon.smtp_url'), '^smtp://127\.0\.0\.1:[0-9]+$', 'email goes to the sink on loopback');
SELECT is(current_setting('cart_abandon.twilio_auth_token') || ' ' || current_setting('cart_abandon.email_unsubscribe_secret'),
          '(set) (set)', 'the SMS and unsubscribe secrets are set, and never shown');
SELECT is(current_setting('cart_abandon.enable_sms') || ' ' || current_setting('cart_abandon.enable_email'), 'off off',
          'both channels are off until a shop enables them');
SELECT * FROM finish();
