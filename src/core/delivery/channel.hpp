// The interface a channel implements for the delivery engine (core/delivery_engine.hpp), which
// names no channel: it builds each request through it and reads each answer through it. The
// shape mirrors Medusa's notification providers (`send({to, template, data})`): a Notification
// is what to send to whom; the channel turns it into its provider's request and the provider's
// answer into a DeliveryOutcome. Adding a channel is a folder under core/channels/ with a class
// like this one, and a settings part that builds it (src/pg/batch/channels.cpp).
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <vector>

#include "core/delivery/outcome.hpp"
#include "core/model/cart_content.hpp"
#include "core/model/vocabulary.hpp"
#include "core/transport/http_client.hpp"
#include "core/transport/redaction.hpp"

namespace cart_abandon {

struct Notification {
    std::string to;  // the recipient's address on the channel (E.164 with '+' on WhatsApp and SMS, email's address)
    std::string template_name;  // the provider's template
    std::string language;  // its language code
    std::vector<std::string> data;  // the template's parameters, in order ({{1}}, {{2}}, ...)
    // Echoed by the provider with every status of the message, so that a status can be tied to its
    // ledger row even when the send's answer was lost (core/delivery/reference.hpp). No personal
    // data; empty: none sent.
    std::string reference;
    // What the reminder says of the cart: email renders it; WhatsApp and SMS send `data` instead.
    CartContent content;
};

class Channel {
public:
    virtual ~Channel() = default;

    // The channel's name in messages to people ("WhatsApp").
    virtual const char* display_name() const = 0;
    // Which channel it is: the ledger's rows and the channel's status are kept by it.
    virtual ChannelKind kind() const = 0;
    // The provider's request that sends `notification`. Never throws.
    virtual HttpRequest request(const Notification& notification) const = 0;
    // What an answer means: a complete HTTP answer, or a request that got none (`result.completed`
    // false; `result.request_sent` says whether the provider may have acted on it). Every text in the
    // outcome is redacted of secrets(). Never throws.
    virtual DeliveryOutcome classify(const HttpResult& result) const = 0;
    // Secrets no recorded text may carry (credentials and what is derived from them).
    virtual const Secrets& secrets() const = 0;
    // Why the channel paused on `outcome` (ChannelFatal), for its status, the run log and the WARNING;
    // `by_webhook`: a failed status said so.
    virtual std::string pause_reason(long code, const std::string& error_text, bool by_webhook = false) const = 0;
    // What to do about it ("" when fixing the named cause is all).
    virtual std::string pause_advice(long code, long subcode) const = 0;
};

}  // namespace cart_abandon
