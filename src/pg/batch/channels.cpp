#include "pg/batch/channels.hpp"

#include "core/channels/whatsapp/channel.hpp"
#include "pg/settings.hpp"

namespace pg {

std::shared_ptr<const cart_abandon::Channel> call_channel(const cart_abandon::Settings& settings) {
    cart_abandon::WhatsAppEndpoint endpoint{settings.whatsapp_api_url, settings.whatsapp_phone_number_id,
                                            settings.whatsapp_token, settings.whatsapp_endpoint};
    endpoint.app_secret = settings.whatsapp_app_secret;  // appsecret_proof on every request
    endpoint.other_secrets = readable_secrets();  // the app secret too: no answer may carry it into a record
    return std::make_shared<cart_abandon::WhatsAppChannel>(std::move(endpoint));
}

}  // namespace pg
