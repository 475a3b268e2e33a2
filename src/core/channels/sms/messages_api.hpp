// Twilio's Messages API as a sender sees it: POST {api_url}/2010-04-01/Accounts/{AccountSid}/
// Messages.json, HTTP Basic auth (account SID, auth token), a form-encoded body (To, From or
// MessagingServiceSid, Body, StatusCallback); 201 with the message's sid, or an error body
// {"code", "message", "more_info", "status"} (errors.hpp reads the code).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

#include "core/delivery/outcome.hpp"
#include "core/transport/redaction.hpp"

namespace cart_abandon::twilio {

// The query parameter of the StatusCallback URL that carries the message's reference
// (core/delivery/reference.hpp): Twilio calls the URL as given, so every status comes back with it.
constexpr char kReferenceParameter[] = "cart_abandon_ref";

// {api_url}/2010-04-01/Accounts/{account_sid}/Messages.json (trailing '/' of api_url ignored).
std::string messages_url(const std::string& api_url, const std::string& account_sid);

// "Authorization: Basic base64(account_sid:auth_token)".
std::string basic_authorization(const std::string& account_sid, const std::string& auth_token);

// `status_callback_url` with `reference` added as kReferenceParameter ('?' or '&' as the URL
// needs); the URL as it is when the reference is empty, "" when the URL is.
std::string status_callback_for(const std::string& status_callback_url, const std::string& reference);

// The form of one message: To, then MessagingServiceSid when set (Twilio picks the sender from
// its pool) or else From, Body, and StatusCallback when not empty.
std::string message_form(const std::string& to, const std::string& from, const std::string& messaging_service_sid,
                         const std::string& body, const std::string& status_callback);

// A complete HTTP answer: 2xx with a sid is Sent (message_status: Twilio's status, "queued" or
// "accepted"), 2xx without one Unknown (Twilio may have queued it); an error body by its code
// (errors.hpp), 5xx Transient whatever the code; without a code, by HTTP status (429 and 5xx
// Transient, 401 and 404 ChannelFatal, others Permanent). Fills recipient_opted_out (21610),
// account_throttled, ambiguous_code, unlisted_code, hold_seconds and public_summary. Texts are
// recordable() with `secrets` (an answer names the account SID); an id holding one is no id.
DeliveryOutcome classify_response(long http_status, const std::string& body, const Secrets& secrets);

// A request that got no complete answer: Unknown when the whole request left this machine
// (Twilio may have queued it), else Transient. `error_cut`: libcurl cut its message.
DeliveryOutcome classify_transport_failure(const std::string& error, bool request_sent, const Secrets& secrets,
                                           bool error_cut);

}  // namespace cart_abandon::twilio
