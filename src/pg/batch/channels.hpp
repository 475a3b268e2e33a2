// The channel a call sends on, built from the settings: the one place the PostgreSQL layer names
// a channel's class (a new channel adds its case here and its settings part).
#pragma once

#include <memory>

#include "core/model/config.hpp"
#include "core/delivery/channel.hpp"

namespace pg {

// WhatsApp's Cloud API from cart_abandon.whatsapp_* (the token and app secret as read; no request
// is made here). Its recorded texts are redacted of every readable secret setting too.
std::shared_ptr<const cart_abandon::Channel> call_channel(const cart_abandon::Settings& settings);

}  // namespace pg
