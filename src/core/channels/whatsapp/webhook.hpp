// What Meta POSTs to the webhook callback of a WhatsApp Business Account, read into the updates
// the sender acts on: delivery statuses of its messages, marketing opt-outs and opt-ins set in
// WhatsApp, and "STOP" replies. Shapes from Meta's webhook reference for the Cloud API (May 2026),
// restated in docs/whatsapp-cloud-api.md, "Webhooks: Meta's side of the story".
// Verify the body with core/signature.hpp before parsing it.
#pragma once

#include "core/no_postgres.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/vocabulary.hpp"
#include "core/channels/whatsapp/opt_out_text.hpp"
#include "core/transport/redaction.hpp"
#include "core/channels/whatsapp/webhook_account.hpp"

namespace cart_abandon {

// Bounds on the texts below, in bytes. An id longer than kMaxWebhookIdBytes is not Meta's.
constexpr std::size_t kMaxWebhookIdBytes = 256;
// Meta returns biz_opaque_callback_data as sent, and a sender may send up to 512 characters.
constexpr std::size_t kMaxCallbackDataBytes = 512 * 4;
constexpr std::size_t kMaxWebhookErrorText = 300;

// One entry of value.statuses[] (field "messages"): what became of a message this number sent.
struct StatusUpdate {
    std::string wamid;  // id
    ProviderStatus status = ProviderStatus::Sent;  // Meta's word, lower-case as Meta sends it
    int64_t timestamp = 0;  // unix seconds (Meta sends a string of digits; a number is accepted); 0 when absent
    std::string recipient_id;  // the wa_id; "" when absent
    // recipient_user_id: the business-scoped user id (BSUID, since 2026); "" when absent. Users
    // with a WhatsApp username may come with it alone, without recipient_id.
    std::string recipient_user_id;
    std::string callback_data;  // biz_opaque_callback_data, "" when absent or longer than the sender could have sent
    long error_code = 0;  // errors[0].code of a failed status, else 0
    // Whether errors[0].code was a number: a failed status without one (no errors, a code given as
    // text, out of range) has no code, which is not Meta's code 0 (an authentication failure).
    bool has_error_code = false;
    std::string
        error_text;  // errors[0] title or message, then error_data.details; at most 300 bytes, valid UTF-8, redacted
    std::string phone_number_id;  // value.metadata.phone_number_id, "" when absent
};

// One entry of value.user_preferences[] (field "user_preferences"): the user stopped or resumed
// marketing messages from this business in WhatsApp itself.
struct PreferenceUpdate {
    std::string wa_id;  // "" when Meta named the user by user_id alone
    std::string user_id;  // the business-scoped user id, "" when absent; one of the two is set
    std::string category;  // always "marketing_messages": other categories are ignored
    std::string value;  // "stop" or "resume"
    int64_t timestamp = 0;  // unix seconds, 0 when absent
    std::string phone_number_id;  // value.metadata.phone_number_id: the number it applies to; "" when absent
};

// An inbound message (value.messages[]) that asks to stop: a text such as "STOP" (see
// is_opt_out_text), or a tap on a button such as "Stop promotions".
struct InboundOptOut {
    std::string wa_id;  // from; "" when Meta named the user by from_user_id alone
    std::string user_id;  // from_user_id (business-scoped user id), "" when absent; one of the two is set
    std::string wamid;  // the inbound message's id
    int64_t timestamp = 0;  // unix seconds, 0 when absent
    std::string how;  // "text" or "button"
    std::string replied_to;  // context.id: the wamid replied to; "" when absent
    std::string phone_number_id;  // value.metadata.phone_number_id: the number asked; "" when absent
};

// What could not be read, and where: a path such as "entry[0].changes[1].value.statuses[2]"
// and a fixed reason; never the item's content (it may hold a phone number or a secret).
struct UnreadableItem {
    std::string path;
    std::string reason;
};

struct WebhookBatch {
    std::vector<StatusUpdate> statuses;
    std::vector<PreferenceUpdate> preferences;
    std::vector<InboundOptOut> opt_outs;
    // part 5: template statuses and quality, account restrictions (core/webhook_account.hpp).
    std::vector<TemplateUpdate> templates;
    std::vector<AccountUpdate> accounts;
    // Items read but not acted on: changes of other fields, other inbound messages, statuses
    // with an unknown status word, preferences of another category or value, items lacking a
    // required field, and entries or changes that carry no item at all.
    int ignored = 0;
    // Items (or entries, changes) that could not be read: not a JSON object (or array) where
    // Meta sends one, a field it needs that is not a string, or a string holding a NUL, an
    // unpaired surrogate escape, bytes that are not UTF-8 or a raw control character.
    std::vector<UnreadableItem> unreadable;

    // Every item above, ignored and unreadable ones included: what kMaxWebhookUpdates bounds.
    std::size_t updates() const;
};

// Meta batches up to 1,000 updates in one POST, 3 MB at most (Meta's webhook reference).
constexpr std::size_t kMaxWebhookUpdates = 1000;

// Reads a webhook body `{"object":"whatsapp_business_account","entry":[{"id":...,
// "changes":[{"field":...,"value":{...}}]}]}`. Throws Error InvalidText when the body is not
// JSON, not an object, names another `object` or has no `entry` array (the message says which,
// quoting at most 40 bytes of the body), and Error InvalidArgument when it holds more than
// kMaxWebhookUpdates items. Anything else odd inside is counted in `ignored` or reported in
// `unreadable` (string defects: string_defects.hpp), never thrown on: Meta would retry a refused
// batch for 7 days, odd item and good ones alike. Texts kept or quoted are recordable() with
// `secrets` (the app secret, the token); an id holding one is no id.
WebhookBatch parse_webhook(const std::string& payload, const Secrets& secrets);

}  // namespace cart_abandon
