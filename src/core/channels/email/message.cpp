#include "core/channels/email/message.hpp"

#include <cctype>
#include <ctime>

#include "core/channels/email/default_templates.hpp"
#include "core/channels/email/header_encoding.hpp"
#include "core/channels/email/money.hpp"
#include "core/channels/email/template_render.hpp"
#include "core/codec/keyed_hash.hpp"
#include "core/error.hpp"

namespace cart_abandon {

namespace {

constexpr std::size_t kMessageIdRandomBytes = 12;

// LF, CR and CRLF all as CRLF (SMTP's line end, RFC 5321 section 2.3.8).
std::string crlf_lines(const std::string& text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
            out += "\r\n";
        } else if (text[i] == '\n') {
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    return out;
}

// RFC 5322 section 3.2.3: a dot-atom of ASCII atext.
bool is_dot_atom(const std::string& text) {
    static const std::string kAtextSymbols = "!#$%&'*+-/=?^_`{|}~";
    if (text.empty() || text.front() == '.' || text.back() == '.' || text.find("..") != std::string::npos) return false;
    for (unsigned char c : text)
        if (!std::isalnum(c) && c != '.' && kAtextSymbols.find(char(c)) == std::string::npos) return false;
    return true;
}

// The link as List-Unsubscribe holds it: printable ASCII without space or angle brackets.
std::string list_unsubscribe(const std::string& link) {
    bool usable = !link.empty();
    for (unsigned char c : link) usable = usable && c > 0x20 && c < 0x7f && c != '<' && c != '>';
    if (!usable)
        throw Error(ErrorKind::InvalidArgument, "the unsubscribe link cannot stand in List-Unsubscribe",
                    "It must be printable ASCII without spaces or angle brackets (an https URL).");
    const std::string field = "List-Unsubscribe: <" + link + ">";
    // Too long for a line: fold before the bracket (a URL itself is never folded).
    return field.size() <= kMaxHeaderLine ? field : "List-Unsubscribe:\r\n <" + link + ">";
}

}  // namespace

std::string make_message_id(long long ledger_id, const std::string& from_address) {
    static const char kHex[] = "0123456789abcdef";
    std::string random;
    for (unsigned char c : random_bytes(kMessageIdRandomBytes)) random += {kHex[c >> 4], kHex[c & 15]};
    const std::size_t at = from_address.rfind('@');
    std::string domain = at == std::string::npos ? "" : from_address.substr(at + 1);
    if (!is_dot_atom(domain)) domain = "cart-abandon.invalid";
    return "<ca." + std::to_string(ledger_id) + "." + random + "@" + domain + ">";
}

std::string rfc5322_date(std::chrono::system_clock::time_point now) {
    static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday], utc.tm_mday,
                  kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return text;
}

RenderedEmail render_email(const EmailInput& input, std::chrono::system_clock::time_point now) {
    const CartContent& cart = input.cart;
    const DefaultEmailTemplates& defaults = default_email_templates(cart.stage, cart.locale);
    const EmailTemplates& own = input.templates;

    TemplateArguments arguments;
    arguments.customer_name = cart.customer_name;
    arguments.item_count = 0;
    for (const CartItem& item : cart.items) arguments.item_count += item.quantity;
    arguments.first_item_title = cart.items.empty() ? "" : cart.items.front().title;
    arguments.cart_total = format_money(cart.total_minor, cart.currency_code, cart.locale);
    arguments.recovery_link = cart.recovery_link;
    arguments.unsubscribe_link = input.unsubscribe_link;

    RenderedEmail email;
    auto render = [&](const std::string& custom, const char* fallback, const char* part, bool html) {
        const bool is_custom = !custom.empty();
        return render_template(is_custom ? custom : fallback, cart.locale, arguments, html,
                               email_template_name(part, is_custom, cart.stage, cart.locale));
    };
    arguments.items = items_text(cart.items, cart.locale);
    email.subject = render(own.subject, defaults.subject, "subject", false);
    email.text = crlf_lines(render(own.text, defaults.text, "text", false));
    arguments.items = items_html(cart.items, cart.locale);
    email.html = crlf_lines(render(own.html, defaults.html, "html", true));

    email.headers.push_back("Date: " + rfc5322_date(now));
    email.headers.push_back(mailbox_header("From", input.from_name, input.from_address));
    email.headers.push_back(mailbox_header("To", cart.recipient_name, input.to_address));
    if (!input.reply_to_address.empty())
        email.headers.push_back(mailbox_header("Reply-To", "", input.reply_to_address));
    email.headers.push_back(text_header("Subject", email.subject));
    email.message_id = make_message_id(cart.ledger_id, input.from_address);
    email.headers.push_back("Message-ID: " + email.message_id);
    // RFC 8058 section 3.1: the https link, and the POST body that says it is one-click.
    email.headers.push_back(list_unsubscribe(input.unsubscribe_link));
    email.headers.push_back("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    return email;
}

}  // namespace cart_abandon
