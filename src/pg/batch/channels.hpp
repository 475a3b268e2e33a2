// The channels a call sends on, built from the settings: the one place the PostgreSQL layer names
// a channel's class (a new channel adds its case here and its settings part).
#pragma once

#include <memory>
#include <vector>

#include "core/model/config.hpp"
#include "core/delivery/channel.hpp"

namespace pg {

// WhatsApp's Cloud API from cart_abandon.whatsapp_* (the token and app secret as read; no request
// is made here). Its recorded texts are redacted of every readable secret setting too.
std::shared_ptr<const cart_abandon::Channel> call_channel(const cart_abandon::Settings& settings);

// Each channel of `kinds` built from its settings (SMS: cart_abandon.twilio_*; email:
// cart_abandon.smtp_* and email_*, with the shop's templates from cart_abandon.message_templates,
// read and checked here: needs SPI). Each one's recorded texts are redacted of every readable
// secret setting. Throws Error(MissingConfiguration) for a channel whose settings are incomplete,
// InvalidArgument for a template that does not render.
std::vector<std::shared_ptr<const cart_abandon::Channel>> call_channels(
    const cart_abandon::Settings& settings, const std::vector<cart_abandon::ChannelKind>& kinds);

}  // namespace pg
