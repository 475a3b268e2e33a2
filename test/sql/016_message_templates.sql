-- The shop's wording (cart_abandon.message_templates, 1.8): a template is checked when it is
-- written, with the extension's own words; the operator may edit it, the webhook role may not.
SELECT plan(16);
CREATE EXTENSION cart_abandon;

SET ROLE cart_abandon_operator;
SELECT lives_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, subject, body, html)
                  VALUES ('email', 1, 'fr', 'Votre panier vous attend, {customer_name}',
                          'Bonjour {customer_name}, {item_count, plural, one {# article} other {# articles}}: {recovery_link}',
                          '<p>Bonjour {customer_name}</p>{items}<a href="{recovery_link}">Panier</a>')$$,
                'the operator writes an email template with plurals and every field');
SELECT lives_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, body)
                  VALUES ('sms', 2, 'pt-BR', 'Oi {customer_name}, seu carrinho: {recovery_link} STOP para sair')$$,
                'an SMS template with a regional locale');
SELECT lives_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, subject) VALUES ('email', 2, 'de', 'Noch da?')$$,
                'a subject alone: the other fields keep the built-in wording');
SELECT lives_ok($$UPDATE cart_abandon.message_templates SET body = 'Oi! {recovery_link}' WHERE channel = 'sms'$$, 'the operator changes one');

SELECT throws_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, body) VALUES ('sms', 1, 'en', 'Hi {name}')$$,
                 '22023', 'template: the sms body template (en) names an unknown argument "name"', 'an unknown argument, by its name');
SELECT throws_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, body) VALUES ('sms', 1, 'en', 'Hi {0}')$$,
                 '22023', NULL, 'an argument by number');
SELECT throws_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, subject) VALUES ('email', 1, 'en', 'Hi {customer_name')$$,
                 '22P02', NULL, 'a pattern that does not parse');
SELECT throws_like($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, subject) VALUES ('email', 1, 'en', 'Hi {customer_name')$$,
                   'template: the email subject template (en) does not parse near character %', '... and says where');
SELECT throws_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, subject) VALUES ('email', 1, 'en', E'Two\nlines')$$,
                 '22023', 'template: the email subject template (en) renders a line break', 'a subject of two lines');
SELECT throws_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, body) VALUES ('email', 1, 'en', 'Hi {item_count, select, other {x}')$$,
                 '22P02', NULL, 'a select that does not close');
SELECT throws_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, subject, body) VALUES ('sms', 1, 'en', 'A subject', 'Hi')$$,
                 '22023', 'template: sms has no field "subject"', 'an SMS has no subject');
SELECT throws_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, body) VALUES ('whatsapp', 1, 'en', 'Hi')$$,
                 '23514', NULL, 'WhatsApp''s wording is Meta''s templates, not this table');
SELECT throws_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, body) VALUES ('email', 1, 'EN_us', 'Hi')$$,
                 '23514', NULL, 'a locale that is not BCP 47');
SELECT throws_ok($$INSERT INTO cart_abandon.message_templates (channel, stage, locale, body) VALUES ('email', 3, 'en', 'Hi')$$,
                 '23514', NULL, 'a stage there is not');
RESET ROLE;

SET ROLE cart_abandon_webhook;
SELECT throws_ok($$SELECT * FROM cart_abandon.message_templates$$, '42501', NULL, 'the webhook role cannot read the wording');
RESET ROLE;
SELECT is((SELECT string_agg(channel || '/' || stage || '/' || locale || '/' || updated_by, ',' ORDER BY channel, stage, locale)
             FROM cart_abandon.message_templates),
          'email/1/fr/cart_abandon_operator,email/2/de/cart_abandon_operator,sms/2/pt-BR/cart_abandon_operator',
          'what was accepted, and who wrote it');
SELECT * FROM finish();
