
-- ---- privileges: nothing for PUBLIC ----
REVOKE ALL ON ALL TABLES IN SCHEMA cart_abandon FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA cart_abandon FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA cart_abandon FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_process(integer, text, jsonb) FROM PUBLIC;
REVOKE ALL ON PROCEDURE cart_abandon_run(jsonb, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_stats() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_daily(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_schedule(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_unschedule() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_recommended_indexes() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_webhook(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_sms_webhook(text, text, text) FROM PUBLIC;  -- 1.9

GRANT EXECUTE ON FUNCTION cart_abandon_process(integer, text, jsonb) TO cart_abandon_operator;
GRANT EXECUTE ON PROCEDURE cart_abandon_run(jsonb, bigint) TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_schedule(text) TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_unschedule() TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_stats() TO cart_abandon_operator, cart_abandon_monitor;
GRANT EXECUTE ON FUNCTION cart_abandon_daily(integer) TO cart_abandon_operator, cart_abandon_monitor;
GRANT EXECUTE ON FUNCTION cart_abandon_webhook(text, text) TO cart_abandon_webhook, cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_sms_webhook(text, text, text) TO cart_abandon_webhook, cart_abandon_operator;
GRANT USAGE ON SCHEMA cart_abandon TO cart_abandon_operator;
GRANT SELECT ON cart_abandon.deliveries, cart_abandon.runs, cart_abandon.channel_status, cart_abandon.whatsapp_preferences,
                cart_abandon.recovered_carts
    TO cart_abandon_operator;
GRANT SELECT, INSERT, DELETE ON cart_abandon.opt_outs TO cart_abandon_operator;
GRANT SELECT, DELETE ON cart_abandon.restricted_countries TO cart_abandon_operator;  -- part 5: lift one by hand
GRANT SELECT ON cart_abandon.template_status TO cart_abandon_operator;  -- part 5
-- 1.8: the shop's wording; its CHECKs call the function with the writer's rights.
GRANT SELECT, INSERT, UPDATE, DELETE ON cart_abandon.message_templates TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon.check_message_template(text, text, text, text) TO cart_abandon_operator;
