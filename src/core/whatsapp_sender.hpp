// Sends template messages through the Cloud API and turns every answer into an outcome.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "whatsapp.hpp"

namespace cart_abandon {

struct WhatsAppEndpoint {
    std::string api_url;
    std::string phone_number_id;
    std::string token;  // secret: only ever placed in the Authorization header
};

struct SendReport {
    std::vector<DeliveryOutcome> outcomes;  // one per message, same order
    bool channel_halted = false;            // a channel-fatal answer stopped further sends
    bool interrupted = false;               // should_stop ended the sends
};

// After a channel-fatal answer no new request starts; the messages not sent get a Transient
// outcome that says why, since nothing reached Meta for them.
SendReport send_templates(HttpClient& client, const WhatsAppEndpoint& endpoint,
                          const std::vector<TemplateMessage>& messages,
                          const std::function<bool()>& should_stop);

}  // namespace cart_abandon
