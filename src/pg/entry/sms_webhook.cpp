// SQL: cart_abandon_sms_webhook(url, body, signature) -> jsonb. Twilio's webhooks, verified and
// applied: a status callback to the ledger row of its message (kept when the row is not recorded
// yet), an inbound STOP or START to the opt-out list.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/channels/sms/signature.hpp"
#include "core/channels/sms/webhook.hpp"
#include "core/contact/phone.hpp"
#include "core/error.hpp"
#include "pg/settings.hpp"
#include "pg/store/cart_metadata.hpp"
#include "pg/store/medusa_tables.hpp"
#include "pg/store/sms_replies.hpp"
#include "pg/store/webhook_ledger.hpp"
#include "pg/base/arguments.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

using cart_abandon::Error;
using cart_abandon::ErrorKind;

constexpr cart_abandon::ChannelKind kChannel = cart_abandon::ChannelKind::Sms;

// A number the opt-out list can hold (its CHECK: '+' and 7 to 15 digits); a short code or an
// alphanumeric sender cannot be stopped by number.
bool listable_number(const std::string& number) {
    return number.size() >= 8 && number.size() <= 16 && cart_abandon::e164_problem(number).empty();
}

Datum sms_webhook_body(FunctionCallInfo fcinfo) {
    const auto url = text_argument(fcinfo, 0);
    const auto body = text_argument(fcinfo, 1);
    const auto signature = text_argument(fcinfo, 2);
    if (!url || !body)
        throw Error(ErrorKind::InvalidArgument, "url and body must not be NULL", {},
                    "Pass the exact URL Twilio called (scheme, host, port, path and query) and the raw form body.");
    require_unexposed("cart_abandon.twilio_auth_token");
    const auto settings = current_settings();
    if (settings.twilio_auth_token.empty())
        throw Error(ErrorKind::MissingConfiguration, "cart_abandon.twilio_auth_token is not set",
                    "Twilio signs every webhook with the account's auth token; without it no webhook can be trusted.",
                    "A superuser sets cart_abandon.twilio_auth_token_file (or twilio_auth_token) in the server's "
                    "configuration.");
    // Before anything is read: an unsigned body is not Twilio's and changes nothing.
    if (!signature || !cart_abandon::twilio::signature_matches(*url, *body, *signature, settings.twilio_auth_token))
        throw Error(ErrorKind::InvalidAuthorization, "webhook signature does not match the URL and body",
                    "X-Twilio-Signature must be the base64 HMAC-SHA1, keyed with the auth token, of the exact URL "
                    "Twilio called followed by each POST parameter's name and value sorted by name.",
                    "Pass the URL as Twilio called it (behind a proxy: the public one, query included) and the body "
                    "exactly as received; check cart_abandon.twilio_auth_token.");
    const auto hook = cart_abandon::twilio::parse_webhook(*url, *body, readable_secrets());
    // Refused, so that it is never taken for applied: Twilio's own bodies always read.
    if (!hook.unreadable.empty())
        throw Error(ErrorKind::InvalidArgument, "Twilio's webhook could not be read: " + hook.unreadable,
                    "Nothing was applied.", "Pass the form body byte for byte, as Twilio sent it.");

    nlohmann::json result = {{"kind", hook.status ? "status" : "inbound"}};
    MetadataWrites metadata;
    spi_connect(false);
    use_extension_owner();
    if (hook.status) {
        const auto& callback = *hook.status;
        result["message_status"] = callback.message_status;
        if (!callback.status) {
            result["ignored"] = 1;  // queued, sending, accepted...: the ledger tracks none of them
        } else {
            require_medusa_tables();
            serialize_webhooks();
            const auto now = std::chrono::time_point_cast<cart_abandon::Microseconds>(std::chrono::system_clock::now());
            const StatusResult applied =
                apply_statuses(kChannel, {cart_abandon::twilio::status_event(callback, now)}, max_attempts());
            // Without waiting for a shopper's lock; a cart held is written by a later call.
            metadata = write_cart_metadata(applied.metadata_pending, [] {});
            record_pause_of(kChannel, applied);
            note_webhook(kChannel, applied.covers);
            result["statuses_applied"] = applied.changed;
            result["statuses_unchanged"] = applied.matched - applied.changed;
            result["statuses_kept"] = applied.kept;
            result["opt_outs_added"] = applied.opt_outs_added;
        }
    } else {
        const auto& message = *hook.inbound;
        uint64_t added = 0, removed = 0;
        if (listable_number(message.from)) {
            serialize_webhooks();
            if (message.opts_out) added = add_sms_opt_out(message.from);
            if (message.opts_in) removed = remove_sms_opt_out(message.from);
        }
        result["opt_out"] = message.opts_out;
        result["opt_in"] = message.opts_in;
        result["opt_outs_added"] = added;
        result["opt_outs_removed"] = removed;
    }
    spi_finish();
    warn_metadata_failures(metadata);
    const std::string text = result.dump();
    return guarded([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(text.c_str())); });
}

}  // namespace

}  // namespace pg

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_sms_webhook);
Datum cart_abandon_sms_webhook(PG_FUNCTION_ARGS) { return pg::run_entry(fcinfo, pg::sms_webhook_body); }
}
