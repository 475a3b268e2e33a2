// SMS behind the Channel interface, through Twilio's Messages API (messages_api.hpp): one
// reminder text per message (text.hpp) built from the notification's data, Twilio's answers read
// by its error table (errors.hpp).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

#include "core/channels/sms/text.hpp"
#include "core/delivery/channel.hpp"
#include "core/transport/redaction.hpp"

namespace cart_abandon {

struct SmsEndpoint {
    std::string api_url = "https://api.twilio.com";
    std::string account_sid;  // "AC" + 32 hex; secret: it names the account in every answer
    std::string auth_token;  // secret: only ever in the Authorization header
    std::string messaging_service_sid;  // "MG" + 32 hex: Twilio picks the sender; else `from` is
    std::string from;  // an E.164 number of the account
    // Where Twilio POSTs each message's statuses (the reference is added to its query); "" sends
    // none (a Messaging Service may have its own).
    std::string status_callback_url;
    twilio::SmsWording wording;
    Secrets other_secrets;  // no recorded text may carry these either
};

class SmsChannel final : public Channel {
public:
    explicit SmsChannel(SmsEndpoint endpoint);

    const char* display_name() const override { return "SMS"; }
    ChannelKind kind() const override { return ChannelKind::Sms; }
    // POST of the form: To = notification.to, Body = reminder_text(data[0] (the customer's name),
    // data[2] (the cart link)), StatusCallback = the callback URL with notification.reference.
    HttpRequest request(const Notification& notification) const override;
    DeliveryOutcome classify(const HttpResult& result) const override;
    const Secrets& secrets() const override { return secrets_; }
    std::string pause_reason(long code, const std::string& error_text, bool by_webhook) const override;
    std::string pause_advice(long code, long subcode) const override;

private:
    SmsEndpoint endpoint_;
    std::string url_;
    std::string authorization_;  // "Authorization: Basic ..."
    Secrets secrets_;  // the account SID, the auth token, their Basic credential, the other secrets
};

}  // namespace cart_abandon
