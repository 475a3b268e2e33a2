// What an inbound SMS reply asks for. Twilio acts on its default keywords itself (the whole
// message, trimmed, any case): after STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT it refuses
// every message to that number (21610) until START, YES or UNSTOP; HELP and INFO get its help text.
#pragma once

#include "core/no_postgres.hpp"

#include <string_view>

namespace cart_abandon::twilio {

enum class ReplyKeyword { None, OptOut, OptIn, Help };

// Twilio's keyword the reply is: `body` with ASCII white space trimmed, compared ignoring ASCII
// case, against Twilio's default list; None for any other text ("stop it", "STOP.", "Stopp").
ReplyKeyword twilio_keyword(std::string_view body);

}  // namespace cart_abandon::twilio
