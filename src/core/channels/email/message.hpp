// The rendered reminder email of one ledger row: subject, text and HTML bodies from the shop's
// templates (or the defaults) and the top-level header fields the SMTP transport sends as they
// are. The MIME structure (multipart/alternative, Content-Type, MIME-Version, transfer
// encodings) is libcurl's MIME API's, not this.
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <string>
#include <vector>

#include "core/channels/email/cart_items.hpp"
#include "core/channels/email/templates.hpp"
#include "core/model/cart_content.hpp"

namespace cart_abandon {

struct EmailInput {
    std::string to_address;  // the recipient's address
    // Its recipient_name is To's display name ("" for the address alone), its customer_name the
    // greeting's (choose_customer_name's), its ledger_id the Message-ID's row, its locale the
    // templates' language, plurals and amounts.
    CartContent cart;
    std::string from_address;  // the shop's From; its domain names the Message-ID
    std::string from_name;
    std::string reply_to_address;  // "" for no Reply-To
    std::string unsubscribe_link;  // the RFC 8058 one-click link: https, printable ASCII
    EmailTemplates templates;  // a field left empty uses the default's (default_templates.hpp)
};

struct RenderedEmail {
    std::string subject;  // as rendered (UTF-8, one line); the header field is encoded
    std::string text;  // text/plain body, UTF-8, CRLF line ends
    std::string html;  // text/html body, UTF-8, CRLF line ends; every inserted value HTML-escaped
    std::string message_id;  // "<...@domain>" as in its header field: to be recorded in the ledger
    // "Name: value" fields, folded with CRLF + space where long, in this order: Date, From, To,
    // Reply-To (when set), Subject, Message-ID, List-Unsubscribe, List-Unsubscribe-Post.
    std::vector<std::string> headers;
};

// Renders `input` at `now` (the Date field). Throws Error: InvalidText or InvalidArgument for a
// template that does not parse or names an unknown argument (naming the template), InvalidArgument
// for an address that cannot stand in a header, an unsubscribe link that cannot stand in
// List-Unsubscribe, or a currency code that is not three letters.
RenderedEmail render_email(const EmailInput& input, std::chrono::system_clock::time_point now);

// "<ca.<ledger_id>.<24 hex digits from RAND_bytes>@<domain>>": unique, and tied to its row. The
// domain is the From address's when it is an ASCII dot-atom, else "cart-abandon.invalid".
std::string make_message_id(long long ledger_id, const std::string& from_address);

// RFC 5322 section 3.3 in UTC: "Mon, 07 Dec 2026 19:09:26 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point now);

}  // namespace cart_abandon
