// Twilio's error dictionary as the SMS sender and its status callbacks read it, in one place:
// what each code means for a send, which codes the table names, which are rate limits on the
// account, which may be every request's, what a paused channel's WARNING says, and what public
// cart metadata may say. Codes 2xxxx answer the API request; 30xxx come in status callbacks
// (ErrorCode of an undelivered or failed message).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

#include "core/delivery/outcome.hpp"
#include "core/model/vocabulary.hpp"

namespace cart_abandon::twilio {

// How long a country Twilio refuses (21408: SMS to that region is not enabled in the account's
// geo permissions) is held before one of its carts probes again: until the shop enables it.
constexpr long kRegionHoldSeconds = 24 * 3600;

// What Twilio's code means for the sender, whether the send's answer or a callback carried it:
// 20429 and 30001, 30003, 30008 Transient; 20003, 20404, 21212, 21606, 30002, 30032, 30034
// ChannelFatal; 21408 CountryRestricted; every other code Permanent (21211, 21610, 21614, 30004
// to 30007, and codes the table does not name).
OutcomeKind classify_error_code(long code);

// Whether the table (as this version knows it) names `code`.
bool is_listed_code(long code);

// Codes that say something of this recipient alone (21211, 21610, 21614, 30003 to 30007): never
// the configuration's. Other Permanent codes may be every request's (a wrong body for all).
bool is_recipient_code(long code);

// 20429, or an HTTP 429 without a code: a rate limit on the account, nothing was sent.
bool is_account_rate_limit(const DeliveryOutcome& outcome, long http_status);

// What a failed or undelivered status does to its stage: 21610 -> OptOut; a code the table does
// not name -> Recheck; Transient and 21408 -> Retry; the channel's codes -> Pause; others -> Close.
FailureAction failure_action(long code);

// What the channel's pause records (channel status, run log, WARNING) for `code` and the error
// text of its answer (already recordable); `by_webhook`: a status callback said so.
std::string channel_pause_reason(long code, const std::string& error_text, bool by_webhook);

// What to do about a channel paused by `code` ("" when fixing the named cause is all).
std::string channel_pause_advice(long code);

// A short fixed English description of a Twilio code for public cart metadata: the code's digits
// and fixed words only ("Twilio error 21211: invalid 'To' number"); 0 is kNoCodeSummary.
std::string error_summary(long code);

}  // namespace cart_abandon::twilio
