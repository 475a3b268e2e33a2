#include "core/channels/sms/channel.hpp"

#include <utility>

#include "core/channels/sms/errors.hpp"
#include "core/channels/sms/messages_api.hpp"
#include "core/codec/base64.hpp"

namespace cart_abandon {

namespace {

constexpr char kFormType[] = "Content-Type: application/x-www-form-urlencoded";

const std::string& data_at(const Notification& notification, std::size_t index) {
    static const std::string kNone;
    return index < notification.data.size() ? notification.data[index] : kNone;
}

}  // namespace

SmsChannel::SmsChannel(SmsEndpoint endpoint)
    : endpoint_(std::move(endpoint)),
      url_(twilio::messages_url(endpoint_.api_url, endpoint_.account_sid)),
      authorization_(twilio::basic_authorization(endpoint_.account_sid, endpoint_.auth_token)),
      secrets_(std::move(endpoint_.other_secrets)) {
    secrets_.push_back(endpoint_.account_sid);
    secrets_.push_back(endpoint_.auth_token);
    // An echoed Authorization header carries the pair in base64.
    secrets_.push_back(base64_encode(endpoint_.account_sid + ":" + endpoint_.auth_token));
    endpoint_.other_secrets.clear();
}

HttpRequest SmsChannel::request(const Notification& notification) const {
    // The data every channel gets, in the template's order: name, cart id, link.
    const std::string body =
        twilio::reminder_text(data_at(notification, 0), data_at(notification, 2), endpoint_.wording);
    return {url_,
            twilio::message_form(notification.to, endpoint_.from, endpoint_.messaging_service_sid, body,
                                 twilio::status_callback_for(endpoint_.status_callback_url, notification.reference)),
            {authorization_, kFormType}};
}

DeliveryOutcome SmsChannel::classify(const HttpResult& result) const {
    return result.completed
               ? twilio::classify_response(result.status, result.body, secrets_)
               : twilio::classify_transport_failure(result.error, result.request_sent, secrets_, result.error_cut);
}

std::string SmsChannel::pause_reason(long code, const std::string& error_text, bool by_webhook) const {
    return twilio::channel_pause_reason(code, error_text, by_webhook);
}

std::string SmsChannel::pause_advice(long code, long) const { return twilio::channel_pause_advice(code); }

}  // namespace cart_abandon
