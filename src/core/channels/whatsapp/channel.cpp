#include "core/channels/whatsapp/channel.hpp"

#include <utility>

#include "core/channels/whatsapp/signature.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"

namespace cart_abandon {

WhatsAppChannel::WhatsAppChannel(WhatsAppEndpoint endpoint)
    : url_(whatsapp_messages_url(endpoint.api_url, endpoint.phone_number_id, endpoint.endpoint)),
      authorization_("Authorization: Bearer " + endpoint.token),
      secrets_(std::move(endpoint.other_secrets)) {
    secrets_.push_back(endpoint.token);
    secrets_.push_back(endpoint.app_secret);
    if (!endpoint.app_secret.empty()) {
        const std::string proof = appsecret_proof(endpoint.token, endpoint.app_secret);
        url_ += "?appsecret_proof=" + proof;
        secrets_.push_back(proof);  // a URL quoted in an error names it
    }
}

HttpRequest WhatsAppChannel::request(const Notification& notification) const {
    return {url_, whatsapp_payload(notification), {authorization_}};
}

DeliveryOutcome WhatsAppChannel::classify(const HttpResult& result) const {
    // Redacted and cut there, in that order: the answer may echo the token.
    return result.completed ? classify_response(result.status, result.body, secrets_)
                            : classify_transport_failure(result.error, result.request_sent, secrets_, result.error_cut);
}

std::string WhatsAppChannel::pause_reason(long code, const std::string& error_text, bool by_webhook) const {
    return channel_pause_reason(code, error_text, by_webhook);
}

std::string WhatsAppChannel::pause_advice(long code, long subcode) const { return channel_pause_advice(code, subcode); }

}  // namespace cart_abandon
