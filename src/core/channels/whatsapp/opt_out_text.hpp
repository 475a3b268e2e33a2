// Whether an inbound WhatsApp message asks to stop. WhatsApp's Business Messaging Policy obliges
// a business to honour every opt-out request, a "STOP" reply as much as the "Stop promotions"
// button (docs/whatsapp-cloud-api.md, "Limits"); Meta names no keywords, so the list
// is ours (see opt_out_text.cpp).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// True when the whole message, not a word inside a sentence, is an opt-out keyword: `text`
// (UTF-8) with white space, punctuation, symbols and emoji trimmed at both ends, inner runs of
// white space, dashes and underscores made one space, then ICU's NFKC case folding (full case
// folding, so "STOPP" and "stopp" and "ＳＴＯＰ" are alike), equals one entry of the list in
// opt_out_text.cpp. "stop." / " Stop " / "STOP 🙏" / "*Baja*" match; "don't stop", "stopping by
// later", "stop sending me the cart please" do not. Bytes that are not UTF-8 are trimmed at the
// ends like symbols; inside a keyword they spoil the match.
// Throws Error Internal only when ICU's normalization data cannot be loaded.
bool is_opt_out_text(const std::string& text);

}  // namespace cart_abandon
