// WhatsApp behind the Channel interface: the Cloud API's template message (POST
// {api_url}/{phone_number_id}/{messages|marketing_messages}, a bearer token, appsecret_proof when an
// app secret is set) and Meta's answers read by its error table (core/whatsapp.hpp).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

#include "core/delivery/channel.hpp"
#include "core/transport/redaction.hpp"

namespace cart_abandon {

struct WhatsAppEndpoint {
    std::string api_url;
    std::string phone_number_id;
    std::string token;  // secret: only ever placed in the Authorization header
    std::string endpoint = "messages";  // or marketing_messages
    // Secret: when set, every request's URL carries appsecret_proof (its HMAC of the token),
    // never the secret itself.
    std::string app_secret;
    // Other secrets no recorded text may carry either: an answer is redacted of them as of the token.
    Secrets other_secrets;
};

class WhatsAppChannel final : public Channel {
public:
    explicit WhatsAppChannel(WhatsAppEndpoint endpoint);

    const char* display_name() const override { return "WhatsApp"; }
    ChannelKind kind() const override { return ChannelKind::WhatsApp; }
    HttpRequest request(const Notification& notification) const override;
    DeliveryOutcome classify(const HttpResult& result) const override;
    const Secrets& secrets() const override { return secrets_; }
    std::string pause_reason(long code, const std::string& error_text, bool by_webhook) const override;
    std::string pause_advice(long code, long subcode) const override;

private:
    std::string url_;  // with ?appsecret_proof= when an app secret is set
    std::string authorization_;  // "Authorization: Bearer <token>"
    Secrets secrets_;  // the token, the app secret, the proof, and the other secrets
};

}  // namespace cart_abandon
