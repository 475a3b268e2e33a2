// What one delivery's answer means, in terms every channel shares: the engine retries, paces and
// halts on these fields alone, and the outcome rule (core/rules/outcome.hpp) records them. A
// channel's classification fills them from its provider's answer.
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <cstddef>
#include <string>

#include "core/transport/redaction.hpp"

namespace cart_abandon {

enum class OutcomeKind {
    Sent,  // accepted: keep the provider's message id
    Transient,  // nothing was sent; a later attempt may succeed
    Permanent,  // this stage of this cart will never succeed on this channel
    Deferred,  // the provider did not deliver it and asks for a wait before this person (an attempt)
    // Every later request fails alike (credentials, account, permissions, template, sender id, or a
    // per-message code that every request got): pause the channel, no cart's fault.
    ChannelFatal,
    Unknown,  // the request may have been accepted; never resend automatically
    // The provider refuses the business in the recipient's country: that country's carts are held
    // (no attempt spent), the others go on.
    CountryRestricted,
};

const char* outcome_kind_name(OutcomeKind kind);

// The longest error_text and message_status of an outcome, in bytes.
constexpr std::size_t kMaxErrorText = 300;

struct DeliveryOutcome {
    OutcomeKind kind = OutcomeKind::Unknown;
    std::string provider_message_id;  // Sent: the provider's id of the message (Meta's wamid)
    std::string provider_recipient_id;  // the provider's id of the person, when it gave one (Meta's wa_id)
    long error_code = 0;  // the provider's error code, 0 when there was none
    long error_subcode = 0;  // the provider's finer code, 0 when none
    std::string message_status;  // the provider's word for an acceptance (Meta: accepted, held_for_quality_assessment)
    std::string error_text;  // at most kMaxErrorText bytes, for the ledger and the result row; never holds a secret
    bool recipient_opted_out = false;  // the person stopped these messages: the address goes on the opt-out list
    bool attempted = true;  // false when no request was made (sending halted or stopped first)
    int attempts = 0;  // requests made for it in this call
    int throttled = 0;  // of them, answered by an account-level rate limit (nothing was sent)
    long retry_after_seconds = -1;  // the answer's Retry-After, when it had one

    // What the channel's classification says the answer means beyond its kind:
    bool account_throttled = false;  // a rate limit on the whole sending account: every send waits, no attempt spent
    bool ambiguous_code = false;  // Permanent with a per-message code that may be every request's (configuration)
    bool unlisted_code = false;  // Permanent with a code the provider's table does not name
    std::chrono::milliseconds recipient_spacing{0};  // the least wait before this person is tried again
    long hold_seconds = 0;  // Deferred, CountryRestricted: how long the stage or country waits
    std::string public_summary;  // what public cart metadata may say of a failure: a code and fixed text
};

// What public cart metadata says of a failure that has no provider code (nothing reached the
// provider, or no answer came back).
constexpr const char* kNoCodeSummary = "sending failed";

// The attempts a final outcome spends of its stage's budget: the requests made, less those a
// throttle answered, less the last one when it is the stage's free retry of an unlisted code.
int attempts_spent(const DeliveryOutcome& outcome, bool free_retry);

// A request without a complete answer: Unknown once the whole request left (the provider may
// have acted on it: never resent without its word), Transient when it never did. The error text
// is redacted of `secrets` and cut to `max_bytes` (`error_cut`: libcurl's message may end
// mid-word). The channel adds its own annotations.
// A success answer (2xx): Sent when the provider named its message id in `outcome`; without one it
// may still have accepted the message, so Unknown (resending could reach the shopper twice).
DeliveryOutcome success_answer(DeliveryOutcome outcome, long http_status);

DeliveryOutcome unanswered_request(const std::string& error, bool request_sent, const Secrets& secrets,
                                   std::size_t max_bytes, bool error_cut);

}  // namespace cart_abandon
