-- ---- erasure: erased people stay erased whoever writes afterwards ----
-- A late webhook naming the number or the WhatsApp user writes nothing that names them again.
CREATE TRIGGER deliveries_keep_erased BEFORE UPDATE ON cart_abandon.deliveries FOR EACH ROW
    WHEN (OLD.recipient IS NULL AND OLD.provider_recipient_id IS NULL AND NEW.recipient IS NULL
          AND NEW.provider_recipient_id IS NOT NULL)
    EXECUTE FUNCTION cart_abandon.deliveries_keep_erased();
CREATE TRIGGER opt_outs_keep_erased BEFORE INSERT OR UPDATE ON cart_abandon.opt_outs FOR EACH ROW
    EXECUTE FUNCTION cart_abandon.keep_erased_number_out('address');
CREATE TRIGGER whatsapp_preferences_keep_erased BEFORE INSERT OR UPDATE ON cart_abandon.whatsapp_preferences FOR EACH ROW
    EXECUTE FUNCTION cart_abandon.keep_erased_number_out('wa_id');
