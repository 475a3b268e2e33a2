-- The SMS and email channels' settings and cart_abandon.channels: defaults, every bad value
-- refused with its SQLSTATE, message and detail, who may set and read what, the new secrets never
-- shown and read from their _file, and plain SMTP refused off the loopback for a send.
-- No BEGIN: cart_abandon_process commits in its own transactions, and roles are cluster-wide (the
-- test role is dropped at the end).
SELECT plan(80);
CREATE EXTENSION cart_abandon;

CREATE FUNCTION boot(short_name text) RETURNS text
LANGUAGE sql AS $$ SELECT boot_val FROM pg_settings WHERE name = 'cart_abandon.' || short_name $$;
-- "SQLSTATE: message / detail" of a statement that fails, or "no error".
CREATE FUNCTION refusal(statement text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    state text;
    message text;
    detail text;
BEGIN
    EXECUTE statement;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN state || ': ' || message || coalesce(nullif(' / ' || detail, ' / '), '');
END $$;

-- defaults
SELECT is(boot('enable_sms'), 'off', 'enable_sms defaults to off');
SELECT is(boot('enable_email'), 'off', 'enable_email still defaults to off');
SELECT is(boot('twilio_api_url'), 'https://api.twilio.com', 'twilio_api_url defaults to Twilio''s API');
SELECT is(boot('twilio_account_sid') || boot('twilio_messaging_service_sid') || boot('twilio_from')
          || boot('twilio_status_callback_url'), '', 'no Twilio account, sender or callback by default');
SELECT is(boot('sms_require_consent'), 'on', 'sms_require_consent defaults to on (express consent)');
SELECT is(boot('sms_consent_key'), 'sms_marketing_consent', 'sms_consent_key defaults to sms_marketing_consent');
SELECT is(boot('email_transport'), 'smtp', 'email_transport defaults to smtp');
SELECT is(boot('smtp_url') || boot('smtp_username') || boot('email_from') || boot('email_from_name')
          || boot('email_reply_to') || boot('email_unsubscribe_url'), '', 'no SMTP server, sender or unsubscribe URL by default');
SELECT is(boot('smtp_allow_plaintext'), 'off', 'smtp_allow_plaintext defaults to off');
SELECT is(boot('default_locale'), 'en', 'default_locale defaults to en');
SELECT is(boot('channels'), 'whatsapp', 'channels defaults to whatsapp');

-- bad values: 22023, the setting named, and a detail that says why
SELECT is(refusal($$SET cart_abandon.twilio_account_sid = 'AC123'$$),
          '22023: invalid value for parameter "cart_abandon.twilio_account_sid": "AC123" / "AC" followed by 32 hex digits is expected: the Account SID of the Twilio Console''s Account Info, or ''''.',
          'an account SID that is not AC + 32 hex digits is refused');
SELECT is(refusal($$SET cart_abandon.twilio_messaging_service_sid = 'AC0123456789abcdef0123456789abcdef'$$),
          '22023: invalid value for parameter "cart_abandon.twilio_messaging_service_sid": "AC0123456789abcdef0123456789abcdef" / "MG" followed by 32 hex digits is expected: the Messaging Service SID of the Twilio Console, or ''''.',
          'an account SID as the Messaging Service SID is refused');
SELECT is(refusal($$SET cart_abandon.twilio_from = '+1 415 555 0123'$$),
          '22023: invalid value for parameter "cart_abandon.twilio_from": "+1 415 555 0123" / "+1 415 555 0123" is not in E.164 form: ''+'', the country code and the number, digits only; e.g. ''+14155550123'', or ''''.',
          'a From number with spaces is refused');
SELECT is(refusal($$SET cart_abandon.twilio_from = '+999123'$$),
          '22023: invalid value for parameter "cart_abandon.twilio_from": "+999123" / "+999123" is not a valid phone number; e.g. ''+14155550123'', or ''''.',
          'a From number that is no number is refused');
SELECT is(refusal($$SET cart_abandon.twilio_status_callback_url = 'ftp://shop.example/x'$$),
          '22023: invalid value for parameter "cart_abandon.twilio_status_callback_url": "ftp://shop.example/x" / it must be an https:// URL, not ftp; e.g. ''https://host.example/path'', or ''''.',
          'a status callback URL that is not http(s) is refused');
SELECT is(refusal($$SET cart_abandon.twilio_api_url = 'https://user:pw@api.twilio.com'$$),
          '22023: invalid value for parameter "cart_abandon.twilio_api_url": "https://user:pw@api.twilio.com" / it must not hold a user or password; e.g. ''https://host.example/path'', or ''''.',
          'a Twilio API URL with credentials is refused');
SELECT is(refusal($$SET cart_abandon.sms_consent_key = ''$$),
          '22023: invalid value for parameter "cart_abandon.sms_consent_key": "" / This setting cannot be empty.',
          'an empty sms_consent_key is refused');
SELECT is(refusal($$SET cart_abandon.email_transport = 'sendgrid'$$),
          '22023: invalid value for parameter "cart_abandon.email_transport": "sendgrid"',
          'an unknown email transport is refused');
SELECT is(refusal($$SET cart_abandon.smtp_url = 'https://smtp.example.com'$$),
          '22023: invalid value for parameter "cart_abandon.smtp_url": "https://smtp.example.com" / the scheme must be smtps:// (TLS from the start, port 465) or smtp:// (STARTTLS, port 587), not https://; e.g. ''smtps://smtp.example.com'' or ''smtp://smtp.example.com:587''.',
          'an SMTP URL of another scheme is refused');
SELECT is(refusal($$SET cart_abandon.smtp_url = 'smtp://smtp.example.com:587/shop.example'$$),
          '22023: invalid value for parameter "cart_abandon.smtp_url": "smtp://smtp.example.com:587/shop.example" / it must not have a path ("/shop.example"); e.g. ''smtps://smtp.example.com'' or ''smtp://smtp.example.com:587''.',
          'an SMTP URL with a path is refused');
SELECT is(refusal($$SET cart_abandon.smtp_url = 'smtps://shop:pw@smtp.example.com'$$),
          '22023: invalid value for parameter "cart_abandon.smtp_url": "smtps://shop:pw@smtp.example.com" / it must not hold a user or password: set cart_abandon.smtp_username and smtp_password; e.g. ''smtps://smtp.example.com'' or ''smtp://smtp.example.com:587''.',
          'an SMTP URL with a login is refused (SHOW would print it)');
SELECT is(refusal($$SET cart_abandon.email_from = 'Shop <shop@example.com>'$$),
          '22023: invalid value for parameter "cart_abandon.email_from": "Shop <shop@example.com>" / not an address: an address such as ''shop@example.com'' (no display name, no white space or <>,;:"()[]\), or ''''.',
          'a From with a display name is refused (email_from_name holds it)');
SELECT is(refusal($$SET cart_abandon.email_reply_to = 'help'$$),
          '22023: invalid value for parameter "cart_abandon.email_reply_to": "help" / not an address: an address such as ''shop@example.com'' (no display name, no white space or <>,;:"()[]\), or ''''.',
          'a Reply-To that is not an address is refused');
SELECT is(refusal($$SET cart_abandon.email_from_name = E'Shop\r\nBcc: all@example.com'$$),
          E'22023: invalid value for parameter "cart_abandon.email_from_name": "Shop\r\nBcc: all@example.com" / A name is one line.',
          'a From name with a line break is refused');
SELECT is(refusal($$SET cart_abandon.email_unsubscribe_url = 'javascript:alert(1)'$$),
          '22023: invalid value for parameter "cart_abandon.email_unsubscribe_url": "javascript:alert(1)" / "javascript:alert(1)" is not an absolute URL such as https://host.example/path; e.g. ''https://shop.example/cart-abandon/unsubscribe'', or ''''.',
          'an unsubscribe URL that is not a web URL is refused');
SELECT is(refusal($$SET cart_abandon.default_locale = 'de_DE'$$),
          '22023: invalid value for parameter "cart_abandon.default_locale": "de_DE" / not a BCP 47 tag of a language ICU knows: e.g. ''en'', ''de-AT'' or ''pt-BR'' (a hyphen, not ''_'').',
          'a locale with _ is refused');
SELECT is(refusal($$SET cart_abandon.default_locale = 'english'$$),
          '22023: invalid value for parameter "cart_abandon.default_locale": "english" / not a BCP 47 tag of a language ICU knows: e.g. ''en'', ''de-AT'' or ''pt-BR'' (a hyphen, not ''_'').',
          'a well-formed tag of no language is refused');
SELECT is(refusal($$SET cart_abandon.default_locale = ''$$),
          '22023: invalid value for parameter "cart_abandon.default_locale": "" / This setting cannot be empty.',
          'an empty default_locale is refused');
SELECT is(refusal($$SET cart_abandon.channels = 'whatsapp,fax'$$),
          '22023: invalid value for parameter "cart_abandon.channels": "whatsapp,fax" / unknown channel "fax" in the list; the channels are whatsapp, email, sms. Example: ''whatsapp,email'' for both stages, ''whatsapp,sms,email;email'' per stage.',
          'an unknown channel is refused');
SELECT is(refusal($$SET cart_abandon.channels = 'whatsapp,sms;email,email'$$),
          '22023: invalid value for parameter "cart_abandon.channels": "whatsapp,sms;email,email" / channel "email" is named twice in stage 2. Example: ''whatsapp,email'' for both stages, ''whatsapp,sms,email;email'' per stage.',
          'a channel twice in a stage is refused');
SELECT is(refusal($$SET cart_abandon.channels = 'whatsapp;'$$),
          '22023: invalid value for parameter "cart_abandon.channels": "whatsapp;" / stage 2 names no channel. Example: ''whatsapp,email'' for both stages, ''whatsapp,sms,email;email'' per stage.',
          'an empty stage is refused');
SELECT is(refusal($$SET cart_abandon.channels = 'whatsapp;email;sms'$$),
          '22023: invalid value for parameter "cart_abandon.channels": "whatsapp;email;sms" / more than two stages (3); a reminder has two, separated by '';''. Example: ''whatsapp,email'' for both stages, ''whatsapp,sms,email;email'' per stage.',
          'more than two stages are refused');
SELECT is(refusal($$SET cart_abandon.channels = ''$$),
          '22023: invalid value for parameter "cart_abandon.channels": "" / the list names no channel. Example: ''whatsapp,email'' for both stages, ''whatsapp,sms,email;email'' per stage.',
          'no channel at all is refused');

-- good values are taken as given
SET cart_abandon.twilio_account_sid = 'AC0123456789abcdef0123456789ABCDEF';
SET cart_abandon.twilio_messaging_service_sid = 'MG0123456789abcdef0123456789abcdef';
SET cart_abandon.twilio_from = '+18005550199';
SET cart_abandon.twilio_status_callback_url = 'https://shop.example/hooks/twilio';
SET cart_abandon.smtp_url = 'smtp://smtp.example.com:587';
SET cart_abandon.email_from = 'shop@example.com';
SET cart_abandon.email_from_name = 'Ümlaut Shop';
SET cart_abandon.email_reply_to = 'help@example.com';
SET cart_abandon.email_unsubscribe_url = 'https://shop.example/cart-abandon/unsubscribe';
SET cart_abandon.default_locale = 'pt-BR';
SET cart_abandon.channels = 'whatsapp,sms,email;email';
SET cart_abandon.email_transport = 'medusa';
SELECT is(current_setting('cart_abandon.twilio_account_sid') || ' ' || current_setting('cart_abandon.twilio_from') || ' '
          || current_setting('cart_abandon.smtp_url') || ' ' || current_setting('cart_abandon.default_locale') || ' '
          || current_setting('cart_abandon.channels') || ' ' || current_setting('cart_abandon.email_transport'),
          'AC0123456789abcdef0123456789ABCDEF +18005550199 smtp://smtp.example.com:587 pt-BR whatsapp,sms,email;email medusa',
          'an account SID, a toll-free From, an SMTP URL with a port, a locale, a channel order per stage, a transport');
SET cart_abandon.twilio_from = '';
SET cart_abandon.smtp_url = '';
SELECT is(current_setting('cart_abandon.twilio_from') || current_setting('cart_abandon.smtp_url'), '', '"" is none');

-- the new secrets: never shown, not in pg_settings (the local environment sets two: unset here)
SET cart_abandon.twilio_auth_token = '';
SET cart_abandon.email_unsubscribe_secret = '';
SELECT is(current_setting('cart_abandon.twilio_auth_token') || ' ' || current_setting('cart_abandon.smtp_password') || ' '
          || current_setting('cart_abandon.email_unsubscribe_secret'), '(not set) (not set) (not set)',
          'SHOW prints (not set) for each new secret unset');
SET cart_abandon.twilio_auth_token = 'tw-secret-0123456789';
SET cart_abandon.smtp_password = 'smtp-secret-0123456789';
SET cart_abandon.email_unsubscribe_secret = 'unsub-secret-0123456789';
SELECT is(current_setting('cart_abandon.twilio_auth_token'), '(set)', 'SHOW prints (set), not the Twilio auth token');
SELECT is(current_setting('cart_abandon.smtp_password'), '(set)', 'SHOW prints (set), not the SMTP password');
SELECT is(current_setting('cart_abandon.email_unsubscribe_secret'), '(set)', 'SHOW prints (set), not the unsubscribe key');
SELECT is((SELECT count(*)::int FROM pg_settings WHERE name IN ('cart_abandon.twilio_auth_token', 'cart_abandon.smtp_password',
                                                              'cart_abandon.email_unsubscribe_secret')), 0,
          'pg_settings lists none of them');
SELECT is((SELECT count(*)::int FROM pg_settings WHERE setting LIKE '%-secret-0123456789%'), 0,
          'no row of pg_settings holds one');

-- who may set and read what
DROP ROLE IF EXISTS chan_plain;
CREATE ROLE chan_plain;
GRANT USAGE ON SCHEMA cart_abandon TO chan_plain;
SET ROLE chan_plain;
SELECT throws_ok(format('SET cart_abandon.%s = %L', name, value), '42501', format('permission denied to set parameter "cart_abandon.%s"', name),
                 format('a plain role cannot set %s', name))
FROM (VALUES ('twilio_api_url', 'https://evil.example'), ('twilio_account_sid', 'AC0123456789abcdef0123456789abcdef'),
             ('twilio_auth_token', 'mine'), ('twilio_auth_token_file', '/etc/passwd'),
             ('twilio_messaging_service_sid', 'MG0123456789abcdef0123456789abcdef'), ('twilio_from', '+14155550123'),
             ('twilio_status_callback_url', 'https://evil.example/hook'), ('smtp_url', 'smtps://evil.example'),
             ('smtp_username', 'me'), ('smtp_password', 'mine'), ('smtp_password_file', '/etc/passwd'),
             ('smtp_allow_plaintext', 'on'), ('email_from', 'ceo@example.com'), ('email_from_name', 'CEO'),
             ('email_reply_to', 'evil@example.com'), ('email_unsubscribe_url', 'https://evil.example/u'),
             ('email_unsubscribe_secret', 'mine'), ('email_unsubscribe_secret_file', '/etc/passwd')) AS s(name, value);
SELECT throws_ok(format('SHOW cart_abandon.%s', name), '42501',
                 format('must be superuser or have privileges of pg_read_all_settings to examine "cart_abandon.%s"', name),
                 format('a plain role cannot SHOW %s', name))
FROM unnest(ARRAY['twilio_auth_token', 'twilio_auth_token_file', 'smtp_password', 'smtp_password_file', 'smtp_allow_plaintext',
                  'email_unsubscribe_secret', 'email_unsubscribe_secret_file']) AS name;
SELECT lives_ok($$SET cart_abandon.enable_sms = on; SET cart_abandon.sms_require_consent = off; SET cart_abandon.sms_consent_key = 'sms_ok';
                  SET cart_abandon.email_transport = 'smtp'; SET cart_abandon.default_locale = 'de'; SET cart_abandon.channels = 'email'$$,
                'a plain role may choose the channels, the transport, the locale and SMS consent for its session');
RESET ROLE;
-- Back to sending on WhatsApp alone for what follows (SMS, enabled, would need its settings).
RESET cart_abandon.enable_sms;
RESET cart_abandon.channels;

-- the _file variants: read by the server when the setting is empty, named (never their content)
-- when they cannot be read
RESET cart_abandon.twilio_status_callback_url;
RESET cart_abandon.email_unsubscribe_url;
SET cart_abandon.channels = 'whatsapp';
SELECT fixture.standin_reset();
SELECT is(refusal(format($$SET cart_abandon.%s = ''; SET cart_abandon.%s_file = '/nonexistent/secret'; SELECT * FROM cart_abandon_process(10, NULL)$$, name, name)),
          format('55000: could not read cart_abandon.%s_file "/nonexistent/secret" / It must be readable by the database server''s operating-system user.', name),
          format('an unreadable %s_file stops a send, named', name))
FROM unnest(ARRAY['twilio_auth_token', 'smtp_password', 'email_unsubscribe_secret']) AS name;
RESET cart_abandon.twilio_auth_token_file;
RESET cart_abandon.smtp_password_file;
RESET cart_abandon.email_unsubscribe_secret_file;
-- each secret in a file of the server's; a Meta answer that echoes them is recorded without them
SELECT format($f$COPY (SELECT %L) TO %L$f$, secret, current_setting('data_directory') || '/test_' || name)
FROM (VALUES ('twilio_auth_token', 'tw-file-secret-0123456789'), ('smtp_password', 'smtp-file-secret-0123456789'),
             ('email_unsubscribe_secret', 'unsub-file-secret-0123456789')) AS s(name, secret) \gexec
SELECT format($f$SET cart_abandon.%s = ''; SET cart_abandon.%s_file = %L$f$, name, name, current_setting('data_directory') || '/test_' || name)
FROM unnest(ARRAY['twilio_auth_token', 'smtp_password', 'email_unsubscribe_secret']) AS name \gexec
SELECT fixture.make_cart('f_echo', '30 hours', phone => '0151 80000101');
SELECT fixture.standin_faults(jsonb_build_array(jsonb_build_object('mode', 'http', 'http_status', 400, 'to', '+4915180000101',
    'body', jsonb_build_object('error', jsonb_build_object('code', 100, 'type', 'OAuthException',
        'message', 'tw-file-secret-0123456789 smtp-file-secret-0123456789 unsub-file-secret-0123456789'))::text)));
SELECT is((SELECT action FROM cart_abandon_process(10, NULL) WHERE cart_id = 'f_echo'), 'failed', 'the answer echoing them was taken');
SELECT ok((SELECT error_message FROM cart_abandon.deliveries WHERE cart_id = 'f_echo') LIKE '%[redacted] [redacted] [redacted]%',
          'the recorded text has each of the three in its place redacted');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries d WHERE d::text ~ '(tw|smtp|unsub)-file-secret'), 0,
          'the files were read: each secret is redacted from the record');
SELECT is(current_setting('cart_abandon.smtp_password'), '(not set)', 'a secret from its file leaves the setting (not set)');
RESET cart_abandon.twilio_auth_token_file;
RESET cart_abandon.smtp_password_file;
RESET cart_abandon.email_unsubscribe_secret_file;

-- plain SMTP is for a loopback sink: on while the URL is elsewhere, nothing is sent (dry runs work)
SET cart_abandon.smtp_url = 'smtp://smtp.example.com:25';
SET cart_abandon.smtp_allow_plaintext = on;
SELECT fixture.make_cart('f_plain', '30 hours', phone => '0151 80000102');
SELECT is(refusal($$SELECT * FROM cart_abandon_process(10, NULL)$$),
          '55000: cart_abandon.smtp_allow_plaintext is on while cart_abandon.smtp_url is not on the loopback / Plain SMTP lets anyone on the way read the password and the shoppers'' mail: it is for a sink on 127.0.0.1, ::1 or localhost only.',
          'smtp_allow_plaintext with a remote SMTP server stops a send');
SELECT is(refusal($$CALL cart_abandon_run()$$),
          '55000: cart_abandon.smtp_allow_plaintext is on while cart_abandon.smtp_url is not on the loopback / Plain SMTP lets anyone on the way read the password and the shoppers'' mail: it is for a sink on 127.0.0.1, ::1 or localhost only.',
          '... and a run');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE cart_id = 'f_plain'), 0, 'nothing was claimed');
SELECT is((SELECT count(*)::int FROM cart_abandon_process(10, NULL, '{"dryRun": true}') WHERE cart_id = 'f_plain'), 1, 'a dry run still works');
SET cart_abandon.smtp_url = 'smtp://[::1]:2525';
SELECT is((SELECT action FROM cart_abandon_process(10, NULL) WHERE cart_id = 'f_plain'), 'sent', 'with a loopback sink the send goes on');
RESET cart_abandon.smtp_url;
RESET cart_abandon.smtp_allow_plaintext;

REVOKE USAGE ON SCHEMA cart_abandon FROM chan_plain;
DROP ROLE chan_plain;
SELECT * FROM finish();
