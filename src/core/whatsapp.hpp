// The WhatsApp Cloud API as a sender sees it: the template request, and what each answer means
// (see docs/whatsapp-cloud-api.md for the error-code table followed here).
#pragma once

#include "no_postgres.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "redaction.hpp"

namespace cart_abandon {

struct TemplateMessage {
    std::string to_e164;  // with the leading '+'
    std::string template_name;
    std::string language;
    std::vector<std::string> body_parameters;  // fill {{1}}, {{2}}, ... in order
    // biz_opaque_callback_data: Meta returns it in every status webhook of the message, so a
    // status can be tied to its ledger row even when the send's answer was lost. At most 512
    // characters, no personal data; empty: not sent.
    std::string callback_data;
};

// biz_opaque_callback_data naming a ledger row and its claim ("cart_abandon:<id>:<claimed_at,
// unix microseconds>"): a late status of an earlier message of the same row (a 131049 deferral
// sends again) names another claim and is not mistaken for the current one.
struct CallbackData {
    long long delivery_id = 0;
    long long claimed_at_us = 0;
};
std::string callback_data(long long delivery_id, long long claimed_at_us);
// nullopt for anything else: another sender's data on the same number.
std::optional<CallbackData> parse_callback_data(const std::string& data);

// POST target: {api_url}/{phone_number_id}/{endpoint}
std::string whatsapp_messages_url(const std::string& api_url, const std::string& phone_number_id,
                                  const std::string& endpoint = "messages");

std::string whatsapp_payload(const TemplateMessage& message);

enum class OutcomeKind {
    Sent,          // accepted: keep the wamid
    Transient,     // nothing was sent; a later attempt may succeed
    Permanent,     // this stage of this cart will never succeed on this channel
    Deferred,      // 131049: Meta did not deliver it; try this user again after 24 h (an attempt)
    // Every later request fails alike (token, account, permissions, template, number id, or a
    // per-message code that every request got): pause the channel, no cart's fault.
    ChannelFatal,
    Unknown,       // the request may have been accepted; never resend automatically
    // 130497: the business may not message users in the recipient's country. Nothing about this
    // cart or the channel: that country's carts are held (no attempt spent), the others go on.
    CountryRestricted,
};

const char* outcome_kind_name(OutcomeKind kind);

struct DeliveryOutcome {
    OutcomeKind kind = OutcomeKind::Unknown;
    std::string wamid;
    std::string wa_id;
    long error_code = 0;      // Meta's error.code, 0 when there was none
    long error_subcode = 0;   // error.error_subcode (deprecated by Meta; 33 still names an unknown number id)
    std::string message_status;  // messages[].message_status: accepted, held_for_quality_assessment
    std::string error_text;   // at most kMaxErrorText bytes, for the ledger and the result row; never holds a secret
    bool recipient_opted_out = false;  // 131050: the number goes on the opt-out list
    bool attempted = true;  // false when no request was made (sending halted or stopped first)
    int attempts = 0;       // requests made for it in this call
    int throttled = 0;      // of them, answered by an account-level rate limit (nothing was sent)
    long retry_after_seconds = -1;  // the answer's Retry-After, when it had one
};

// The wait Meta asks for after 131049 ("wait at least 24 hours before trying that user again").
constexpr long kDeferralSeconds = 24 * 3600;
// How long a country Meta refused (130497) is held before one of its carts probes again (Meta
// names no time; the restriction lifts when the business's standing changes).
constexpr long kCountryRestrictionSeconds = 24 * 3600;

// Codes that name a bad value of one message or a wrong request shape for all of them (100,
// 131008, 131009, 135000, and codes not in Meta's table): the engine tells the two apart by
// whether every request gets the code alike.
bool is_ambiguous_code(long code);

// What to do about a channel paused by `code`, for the WARNING's hint and the stats ("" when
// fixing the named cause is all).
std::string channel_pause_advice(long code, long subcode);

// Rate limits on the whole sending account (not on one recipient): Graph's 4, 17, 32, 613 and
// 80007, and 130429 (the number's throughput). Nothing was sent and nothing about the recipient
// is known: every send of the number waits, and the request spends no attempt.
bool is_account_rate_limit(const DeliveryOutcome& outcome);

// Whether Meta's error table (as this version knows it, docs/whatsapp-cloud-api.md)
// names `code`. A code it does not name says nothing about the cart yet.
bool is_listed_code(long code);

// A final answer whose code the table does not name (read as Permanent). The first such answer
// of a stage is a retry that spends no attempt; a second one fails the stage as Permanent does
// (a stage's free retry is spent once: the ledger keeps when it was).
bool is_unlisted_failure(const DeliveryOutcome& outcome);

// The attempts a final outcome spends of its stage's budget: the requests made, less those a
// throttle answered, less the last one when it is the stage's free retry of an unlisted code.
int attempts_spent(const DeliveryOutcome& outcome, bool free_retry);

// What Meta's error code means for the sender (the table in docs/whatsapp-cloud-api.md),
// whether it came in the send's answer or in a failed status webhook.
OutcomeKind classify_error_code(long code, long subcode = 0);

// The longest error_text and message_status of an outcome, in bytes.
constexpr std::size_t kMaxErrorText = 300;

// Classifies a complete HTTP answer by Meta's error.code first, then by HTTP status. Meta's
// texts are recordable() with `secrets` (an answer may echo the token); an id that holds one
// is no id.
DeliveryOutcome classify_response(long http_status, const std::string& body, const Secrets& secrets);

// Classifies a request that got no complete HTTP answer. `request_sent` says whether the whole
// request left this machine: if it did, Meta may have acted on it, so the outcome is unknown.
// `error_cut`: the error's source cut it (libcurl's fixed buffer), so it may end in part of a secret.
DeliveryOutcome classify_transport_failure(const std::string& error, bool request_sent, const Secrets& secrets,
                                           bool error_cut = false);

// What the channel's pause records (channel status, run log, WARNING) for `code` and the error
// text of its answer (already recordable); `by_webhook`: a failed status said so.
std::string channel_pause_reason(long code, const std::string& error_text, bool by_webhook = false);

}  // namespace cart_abandon
