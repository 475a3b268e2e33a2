#include "pg/batch/channels.hpp"

#include "core/channels/email/channel.hpp"
#include "core/channels/sms/channel.hpp"
#include "core/channels/whatsapp/channel.hpp"
#include "core/model/channel_settings.hpp"
#include "core/transport/smtp_url.hpp"
#include "pg/settings.hpp"
#include "pg/store/message_templates.hpp"

namespace pg {

namespace {

std::shared_ptr<const cart_abandon::Channel> sms_channel(const cart_abandon::Settings& settings) {
    cart_abandon::check_sms_settings(settings);
    cart_abandon::SmsEndpoint endpoint;
    endpoint.api_url = settings.twilio_api_url;
    endpoint.account_sid = settings.twilio_account_sid;
    endpoint.auth_token = settings.twilio_auth_token;
    endpoint.messaging_service_sid = settings.twilio_messaging_service_sid;
    endpoint.from = settings.twilio_from;
    endpoint.status_callback_url = settings.twilio_status_callback_url;
    endpoint.other_secrets = readable_secrets();
    return std::make_shared<cart_abandon::SmsChannel>(std::move(endpoint));
}

std::shared_ptr<const cart_abandon::Channel> email_channel(const cart_abandon::Settings& settings) {
    cart_abandon::check_email_settings(settings);
    cart_abandon::EmailEndpoint endpoint;
    endpoint.url = settings.smtp_url;
    endpoint.username = settings.smtp_username;
    endpoint.password = settings.smtp_password;
    endpoint.from_address = settings.email_from;
    endpoint.from_name = settings.email_from_name;
    endpoint.reply_to_address = settings.email_reply_to;
    endpoint.allow_plaintext = cart_abandon::resolve_smtp_plaintext(settings.smtp_url, settings.smtp_allow_plaintext);
    endpoint.default_locale = settings.default_locale;
    endpoint.unsubscribe_url = settings.email_unsubscribe_url;
    endpoint.unsubscribe_secret = settings.email_unsubscribe_secret;
    endpoint.templates = load_email_templates();
    cart_abandon::validate_email_templates(endpoint.templates);
    endpoint.other_secrets = readable_secrets();
    return std::make_shared<cart_abandon::EmailChannel>(std::move(endpoint));
}

}  // namespace

std::shared_ptr<const cart_abandon::Channel> call_channel(const cart_abandon::Settings& settings) {
    cart_abandon::WhatsAppEndpoint endpoint{settings.whatsapp_api_url, settings.whatsapp_phone_number_id,
                                            settings.whatsapp_token, settings.whatsapp_endpoint};
    endpoint.app_secret = settings.whatsapp_app_secret;  // appsecret_proof on every request
    endpoint.other_secrets = readable_secrets();  // the app secret too: no answer may carry it into a record
    return std::make_shared<cart_abandon::WhatsAppChannel>(std::move(endpoint));
}

std::vector<std::shared_ptr<const cart_abandon::Channel>> call_channels(
    const cart_abandon::Settings& settings, const std::vector<cart_abandon::ChannelKind>& kinds) {
    std::vector<std::shared_ptr<const cart_abandon::Channel>> channels;
    for (const auto kind : kinds) switch (kind) {
            case cart_abandon::ChannelKind::WhatsApp: channels.push_back(call_channel(settings)); break;
            case cart_abandon::ChannelKind::Sms: channels.push_back(sms_channel(settings)); break;
            case cart_abandon::ChannelKind::Email: channels.push_back(email_channel(settings)); break;
        }
    return channels;
}

}  // namespace pg
