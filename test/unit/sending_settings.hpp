// Every setting a sending run needs, as an operator would set them (cart_abandon::Settings holds
// no defaults): for the configuration tests and the options fuzzer.
#pragma once

#include "core/model/config.hpp"

namespace cart_abandon {

inline Settings sending_settings() {
    Settings s;
    s.batch_size = 100;
    s.enable_whatsapp = true;
    s.whatsapp_api_url = "https://graph.facebook.com/v25.0";
    s.template_first = "cart_abandonment_first";
    s.template_second = "cart_abandonment_second";
    s.template_language = "en";
    s.whatsapp_token = "secret";
    s.whatsapp_phone_number_id = "1234";
    s.cart_url = "https://shop.example/cart/recover/{cart_id}";
    s.channels = parse_channel_order("whatsapp");  // cart_abandon.channels' default
    return s;
}

}  // namespace cart_abandon
