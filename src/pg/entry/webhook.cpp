// SQL: cart_abandon_webhook(payload, signature) -> jsonb. Meta's webhooks, verified and applied:
// statuses to the ledger, opt-outs (user_preferences, replies) to the opt-out list.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/content/message.hpp"
#include "core/contact/phone.hpp"
#include "core/channels/whatsapp/signature.hpp"
#include "core/channels/whatsapp/webhook.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"
#include "core/channels/whatsapp/webhook_status.hpp"
#include "pg/store/cart_metadata.hpp"
#include "pg/store/medusa_tables.hpp"
#include "pg/store/ledger.hpp"
#include "pg/store/meta_limits.hpp"
#include "pg/settings.hpp"
#include "pg/store/webhook_ledger.hpp"
#include "pg/base/arguments.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

using cart_abandon::Error;
using cart_abandon::ErrorKind;
using cart_abandon::OutcomeKind;

// Meta's webhooks speak of WhatsApp's messages: the ledger rows and the status they change are that channel's.
constexpr cart_abandon::ChannelKind kChannel = cart_abandon::ChannelKind::WhatsApp;

cart_abandon::Timestamp from_unix_seconds(int64_t seconds) {
    return cart_abandon::Timestamp(std::chrono::seconds(seconds));
}

// 130497 in failed statuses: the recipients' countries, held for the number that sent them.
void hold_restricted_countries(const std::vector<cart_abandon::StatusUpdate>& statuses) {
    std::map<std::string, std::vector<std::string>> regions;  // by phone_number_id
    std::string text;
    for (const auto& s : statuses) {
        if (s.status != cart_abandon::ProviderStatus::Failed || s.error_code != 130497 || s.phone_number_id.empty())
            continue;
        const std::string region = cart_abandon::phone_region("+" + s.recipient_id);
        if (region.empty()) continue;
        regions[s.phone_number_id].push_back(region);
        text = s.error_text;
    }
    const auto until = std::chrono::time_point_cast<cart_abandon::Microseconds>(
        std::chrono::system_clock::now() + std::chrono::seconds(cart_abandon::kCountryRestrictionSeconds));
    for (const auto& [number, held] : regions) record_country_restrictions(number, held, until, text);
}

// One WARNING for the items a body held that could not be read (the rest was applied): how
// many, and where; never what they held.
void warn_unreadable(const std::vector<cart_abandon::UnreadableItem>& items) {
    if (items.empty()) return;
    constexpr std::size_t kNamed = 3;
    std::string where;
    for (std::size_t i = 0; i < items.size() && i < kNamed; ++i)
        where += (i ? "; " : "") + items[i].path + " (" + items[i].reason + ")";
    if (items.size() > kNamed) where += "; and " + std::to_string(items.size() - kNamed) + " more";
    const std::string message = "cart_abandon_webhook: " + std::to_string(items.size()) +
                                (items.size() == 1 ? " item" : " items") + " of the body could not be read: " + where;
    guarded([&] {
        ereport(WARNING, (errmsg("%s", message.c_str()),
                          errdetail("Every other update of the body was applied; these were not (the result's "
                                    "\"unreadable_items\" lists them all)."),
                          errhint("Meta's own bodies hold no such text: if it recurs, check that the endpoint passes "
                                  "each body byte for byte.")));
    });
}

Datum webhook_body(FunctionCallInfo fcinfo) {
    const auto payload = text_argument(fcinfo, 0);
    const auto signature = text_argument(fcinfo, 1);
    if (!payload)
        throw Error(ErrorKind::InvalidArgument, "payload must not be NULL", {},
                    "Pass the exact raw body of Meta's POST, as received.");
    require_unexposed("cart_abandon.whatsapp_app_secret");
    const std::string secret = whatsapp_app_secret();
    if (secret.empty())
        throw Error(ErrorKind::MissingConfiguration, "cart_abandon.whatsapp_app_secret is not set",
                    "Meta signs every webhook with the app's secret; without it no webhook can be trusted.",
                    "A superuser sets cart_abandon.whatsapp_app_secret, or whatsapp_app_secret_file, in the "
                    "server's configuration (App Dashboard > App settings > Basic > App secret).");
    // Before anything is parsed: an unsigned body is not Meta's and changes nothing.
    if (!signature || !cart_abandon::signature_matches(*payload, *signature, secret))
        throw Error(ErrorKind::InvalidAuthorization, "webhook signature does not match the payload",
                    "X-Hub-Signature-256 must be sha256=<hex HMAC-SHA256 of the exact raw body, keyed with the "
                    "app secret>.",
                    "Pass the body exactly as received (not re-serialized) and the header as sent; check "
                    "cart_abandon.whatsapp_app_secret.");
    // Meta's texts are kept only redacted of both secrets (an error may echo a request's token).
    const auto batch = cart_abandon::parse_webhook(*payload, readable_secrets());

    std::vector<StatusRow> statuses;
    for (const auto& s : batch.statuses) statuses.push_back(cart_abandon::status_event(s));
    std::vector<PreferenceRow> preferences;
    for (const auto& p : batch.preferences)
        preferences.push_back({p.wa_id, p.value, from_unix_seconds(p.timestamp), p.user_id, p.phone_number_id});
    std::vector<ReplyRow> replies;
    for (const auto& o : batch.opt_outs) replies.push_back({o.wa_id, o.user_id, o.phone_number_id});

    spi_connect(false);
    use_extension_owner();
    require_medusa_tables();
    serialize_webhooks();
    const StatusResult applied = apply_statuses(kChannel, statuses, max_attempts());
    hold_restricted_countries(batch.statuses);
    store_user_ids(kChannel, statuses);  // before the opt-outs below: a STOP may name its sender by user id alone
    // Without waiting for a shopper's lock; a cart held or failing is written by a later call.
    const MetadataWrites metadata = write_cart_metadata(applied.metadata_pending, [] {});
    const PreferenceResult preferred = apply_preferences(preferences);
    const uint64_t replied = add_reply_opt_outs(replies);
    record_pause_of(kChannel, applied);
    // part 5: template statuses and account restrictions (no request spent on either).
    const uint64_t templates_applied = apply_template_updates(batch.templates);
    for (const auto& account : batch.accounts)
        if (account.stops_marketing)
            record_channel_paused(kChannel, 0, "channel paused by account_update (a webhook): " + account.reason);
    note_webhook(kChannel, applied.covers);
    spi_finish();
    warn_metadata_failures(metadata);

    nlohmann::json unreadable_items = nlohmann::json::array();
    for (const auto& item : batch.unreadable)
        unreadable_items.push_back({{"path", item.path}, {"reason", item.reason}});
    const nlohmann::json result = {
        {"statuses", statuses.size()},
        {"statuses_applied", applied.changed},
        {"statuses_unchanged", applied.matched - applied.changed},
        {"statuses_kept", applied.kept},
        {"opt_outs_added", applied.opt_outs_added + preferred.added + replied},
        {"opt_outs_removed", preferred.removed},
        {"preferences", preferences.size()},
        {"replies", replies.size()},
        {"templates", batch.templates.size()},
        {"templates_applied", templates_applied},
        {"account_updates", batch.accounts.size()},
        {"ignored", batch.ignored},
        {"unreadable", batch.unreadable.size()},
        {"unreadable_items", unreadable_items},
    };
    warn_unreadable(batch.unreadable);
    const std::string text = result.dump();
    return guarded([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(text.c_str())); });
}

}  // namespace

}  // namespace pg

extern "C" {
PG_FUNCTION_INFO_V1(cart_abandon_webhook);
Datum cart_abandon_webhook(PG_FUNCTION_ARGS) { return pg::run_entry(fcinfo, pg::webhook_body); }
}
