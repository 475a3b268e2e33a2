// What Twilio POSTs to a webhook, read into what the sender acts on: a status callback of a
// message it sent (to the StatusCallback URL), or an inbound message (to the number's or the
// Messaging Service's incoming URL) that may opt its sender out or back in. Both are forms;
// verify them with signature.hpp before reading them.
#pragma once

#include "core/no_postgres.hpp"

#include <optional>
#include <string>

#include "core/channels/sms/reply.hpp"
#include "core/model/event.hpp"
#include "core/transport/redaction.hpp"

namespace cart_abandon::twilio {

struct StatusCallback {
    std::string message_sid;  // MessageSid: "SM" or "MM" and 32 hex digits
    std::string message_status;  // MessageStatus as Twilio wrote it (lower case)
    // The ledger's word for it: sent, delivered, read; undelivered and failed are Failed. nullopt
    // for the statuses before sending or that the ledger does not track (accepted, scheduled,
    // queued, sending, canceled, ...): nothing to do.
    std::optional<ProviderStatus> status;
    std::string to;  // To, as the send gave it (E.164)
    std::string from;
    std::string messaging_service_sid;  // "" when absent
    long error_code = 0;  // ErrorCode, when it was a number
    bool has_error_code = false;
    std::string reference;  // the URL's kReferenceParameter, "" when absent
};

struct InboundMessage {
    std::string message_sid;
    std::string from;  // the person (E.164)
    std::string to;  // the shop's number
    std::string messaging_service_sid;  // "" when absent
    ReplyKeyword keyword = ReplyKeyword::None;  // Twilio's keyword the body is (Twilio acted on it)
    // The person asks to stop: Twilio's opt-out keyword, OptOutType STOP (Twilio's Advanced
    // Opt-Out), or an opt-out text of another language (is_opt_out_text, WhatsApp's list).
    bool opts_out = false;
    bool opts_in = false;  // START, YES, UNSTOP, or OptOutType START: Twilio sends to it again
};

struct TwilioWebhook {
    std::optional<StatusCallback> status;
    std::optional<InboundMessage> inbound;
    // Neither could be read: a fixed reason naming the field, never its value ("" when one was).
    std::string unreadable;
};

// Reads a POST body (form-encoded) that Twilio sent to `url` (the exact URL it called): a status
// callback when it has MessageStatus, else an inbound message when it has Body. Ids and numbers
// must be printable ASCII, a sid two capital letters and 32 hex digits; a field that is not is
// unreadable. The body's text is never kept. An id holding one of `secrets` is unreadable too.
// AccountSid is not kept: it is one of the secrets, and the signature already proves the account
// (its auth token signed the request).
// Throws only std::bad_alloc, or Error InvalidArgument for a field over 1 GiB.
TwilioWebhook parse_webhook(const std::string& url, const std::string& body, const Secrets& secrets);

// The ledger's event of a status callback (one whose `status` is set) received at `received_at` (Twilio's callbacks carry no
// time): its message, person (To) and ledger row (the reference); for a failed one what it does
// (failure_action; without an ErrorCode: Recheck, like a code the table does not name) with a
// fixed text and summary from the table (a callback carries no error text).
StatusEvent status_event(const StatusCallback& callback, Timestamp received_at);

}  // namespace cart_abandon::twilio
