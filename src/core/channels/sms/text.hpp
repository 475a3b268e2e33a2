// What an SMS reminder says, and what it costs: carriers bill by segment. A message in GSM-7 (GSM
// 03.38's default alphabet and its extension table) fits 160 characters in one segment, 153 a
// segment when longer; one character outside it makes the whole message UCS-2: 70 UTF-16 units,
// 67 a segment when longer.
#pragma once

#include "core/no_postgres.hpp"

#include <cstddef>
#include <string>

namespace cart_abandon::twilio {

enum class SmsEncoding { Gsm7, Ucs2 };

struct SmsLength {
    SmsEncoding encoding = SmsEncoding::Gsm7;
    std::size_t units = 0;  // septets (an extension character is two) or UTF-16 code units
    std::size_t segments = 0;  // 0 for an empty text
};

// The encoding, length and segments of `text` (UTF-8; an invalid byte counts as one UCS-2 unit).
SmsLength sms_length(const std::string& text);

// The reminder's wording: "{name}" and "{link}" are replaced by the customer's name and the cart
// link (placeholders are read in the pattern only, never in what replaced them).
struct SmsWording {
    std::string with_name = "Hi {name}, your cart is waiting: {link} Reply STOP to opt out";
    std::string without_name = "Your cart is waiting: {link} Reply STOP to opt out";
};

// The body of a reminder to `name` with `link`: `with_name`, unless the name is empty or costs a
// segment (a long name, or a character outside GSM-7 that makes the message UCS-2), then
// `without_name`. The link is never cut: a message that cannot fit one segment is sent in several.
std::string reminder_text(const std::string& name, const std::string& link, const SmsWording& wording);

}  // namespace cart_abandon::twilio
