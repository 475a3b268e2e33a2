// The WhatsApp Cloud API as a sender sees it: the template request, and what each answer means
// (see docs/whatsapp-cloud-api.md for the error-code table followed here).
#pragma once

#include "no_postgres.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/delivery/channel.hpp"
#include "core/delivery/outcome.hpp"
#include "redaction.hpp"

namespace cart_abandon {

// POST target: {api_url}/{phone_number_id}/{endpoint}
std::string whatsapp_messages_url(const std::string& api_url, const std::string& phone_number_id,
                                  const std::string& endpoint = "messages");

// The template message's JSON body for `notification` (Meta's Cloud API: to, template name,
// language, body parameters in order, biz_opaque_callback_data = the reference).
std::string whatsapp_payload(const Notification& notification);

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

// What Meta's error code means for the sender (the table in docs/whatsapp-cloud-api.md),
// whether it came in the send's answer or in a failed status webhook.
OutcomeKind classify_error_code(long code, long subcode = 0);

// Classifies a complete HTTP answer by Meta's error.code first, then by HTTP status, and fills
// the outcome's account_throttled, ambiguous_code, unlisted_code, recipient_spacing (131056),
// hold_seconds and public_summary from Meta's table. Meta's
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
