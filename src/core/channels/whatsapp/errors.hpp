// Meta's error table (docs/whatsapp-cloud-api.md) as the sender and the webhook read it, in one
// place: what each code means for a send (classify_error_code), which codes the table names,
// which are the account's rate limits or may be every request's, how long a deferral or a refused
// country waits, what a paused channel's WARNING says, and what public cart metadata may say.
#pragma once
#include "core/no_postgres.hpp"

#include <string>

#include "core/delivery/outcome.hpp"

namespace cart_abandon {

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

// What the channel's pause records (channel status, run log, WARNING) for `code` and the error
// text of its answer (already recordable); `by_webhook`: a failed status said so.
std::string channel_pause_reason(long code, const std::string& error_text, bool by_webhook = false);

// A short fixed English description of a Meta error code, for cart metadata that Medusa's public
// Store API exposes: only the code's digits and fixed words, never provider text, trace ids or
// numbers. 0 (no Meta code: an HTTP or transport failure) is "sending failed"; a code not in
// docs/whatsapp-cloud-api.md's table is "Meta error <code>".
std::string error_summary(long meta_error_code);

}  // namespace cart_abandon
