#include "core/channels/email/smtp_reply.hpp"

#include <curl/curl.h>

#include <cctype>

namespace cart_abandon {

namespace {

constexpr int kAny = -1;
enum Flags : int {
    kNone = 0,
    kAmbiguous = 1,  // Permanent, yet may be every request's: the engine pauses when all answers are alike
    kThrottle = 2,  // nothing was taken and every send waits: no attempt spent
    kUnlisted = 4,  // a code RFC 5321 does not name: the stage's first one is a free retry
};

constexpr const char* kCredentialsAdvice =
    "The SMTP server refused the login: check the email SMTP user and password (or password file).";
constexpr const char* kTlsAdvice =
    "The server offers no TLS where the URL asks for it: use smtps:// (port 465) or smtp:// on a port "
    "whose server offers STARTTLS (587); plain SMTP is for a loopback sink only.";
constexpr const char* kSenderAdvice =
    "The server refuses the sender: check the email From address (a mailbox of a domain the SMTP account "
    "may send as).";
constexpr const char* kPolicyAdvice =
    "Every request got this refusal: the server does not let this account send (relay) as the From "
    "address, or blocks it; check the From address, the SMTP user and the server's log.";
constexpr const char* kSecurityAdvice =
    "The server refuses the sender's security set-up (authentication, SPF, DKIM or DMARC of the From "
    "domain): fix it at the server or the domain's DNS.";
constexpr const char* kAlikeAdvice =
    "Every request got the same refusal: check the From address, the templates' size and content, and "
    "the SMTP server's log.";

struct ReplyRule {
    int low, high;  // reply codes
    int klass, subject, detail;  // the enhanced status; kAny: any, or none
    const char* word;  // a word the reply text must hold (any case), or nullptr
    OutcomeKind kind;
    int flags;
    const char* meaning;  // fixed words for public cart metadata
    const char* advice;  // ChannelFatal, or alike answers that pause
};

// The first row that matches decides; a reply with an enhanced status is judged by it before its
// reply code (RFC 3463 section 1: the finer of the two).
constexpr ReplyRule kReplyRules[] = {
    // 2yz: the action was completed (RFC 5321 section 4.2.1).
    {200, 299, kAny, kAny, kAny, nullptr, OutcomeKind::Sent, kNone, "accepted", ""},
    // Authentication answers are every message's (RFC 4954 section 6: 535 5.7.8, 534 5.7.9,
    // 538 5.7.11, 530 5.7.0, 432 4.7.12); 530 is also "STARTTLS first" (RFC 3207 section 4).
    {535, 535, kAny, kAny, kAny, nullptr, OutcomeKind::ChannelFatal, kNone, "authentication credentials invalid",
     kCredentialsAdvice},
    {534, 534, kAny, kAny, kAny, nullptr, OutcomeKind::ChannelFatal, kNone, "authentication mechanism too weak",
     "The server refuses the login mechanism on this connection: use smtps:// or STARTTLS."},
    {538, 538, kAny, kAny, kAny, nullptr, OutcomeKind::ChannelFatal, kNone, "encryption required to log in",
     kTlsAdvice},
    {530, 530, kAny, kAny, kAny, nullptr, OutcomeKind::ChannelFatal, kNone, "authentication required",
     "The SMTP server requires a login (or STARTTLS first): set the email SMTP user and password."},
    {432, 432, kAny, kAny, kAny, nullptr, OutcomeKind::ChannelFatal, kNone, "password transition needed",
     "The SMTP server wants the account's password changed: change it, then the password setting."},
    // 421: the service is not available and closes the channel (RFC 5321 sections 3.8, 4.2.2):
    // nothing was taken, every message waits.
    {421, 421, kAny, kAny, kAny, nullptr, OutcomeKind::Transient, kThrottle, "service not available", ""},
    // 4yz and class 4: transient, the same message may succeed later (RFC 5321 section 4.2.1,
    // RFC 3463 section 2); 451 4.7.1 (greylisting, rate), 452, 454 4.7.0 (TLS or login for now:
    // RFC 3207 section 4, RFC 4954 section 6) included.
    {400, 499, kAny, kAny, kAny, nullptr, OutcomeKind::Transient, kNone, "temporary failure", ""},
    // Addressing of the recipient (RFC 3463 section 3.2; 5.1.10 null MX: RFC 7505 section 4.2):
    // this address will never take this stage; the channel is fine.
    {500, 599, 5, 1, 1, nullptr, OutcomeKind::Permanent, kNone, "unknown recipient", ""},
    {500, 599, 5, 1, 2, nullptr, OutcomeKind::Permanent, kNone, "bad destination domain", ""},
    {500, 599, 5, 1, 3, nullptr, OutcomeKind::Permanent, kNone, "bad recipient address syntax", ""},
    {500, 599, 5, 1, 6, nullptr, OutcomeKind::Permanent, kNone, "recipient mailbox moved", ""},
    {500, 599, 5, 1, 10, nullptr, OutcomeKind::Permanent, kNone, "recipient domain accepts no mail", ""},
    // The sender's address (RFC 3463 section 3.2: 5.1.7, 5.1.8): our From, every message's.
    {500, 599, 5, 1, 7, nullptr, OutcomeKind::ChannelFatal, kNone, "bad sender address", kSenderAdvice},
    {500, 599, 5, 1, 8, nullptr, OutcomeKind::ChannelFatal, kNone, "bad sender domain", kSenderAdvice},
    {500, 599, 5, 1, kAny, nullptr, OutcomeKind::Permanent, kAmbiguous, "address refused", kAlikeAdvice},
    // Relaying refused: the server does not relay for this client (RFC 5321 sections 3.6.2 and
    // 7.1; X.7.1 in RFC 3463 section 3.8), whatever the recipient. After the 5.1.x rows: Postfix's
    // "User unknown in relay recipient table" is 5.1.1.
    {500, 599, kAny, kAny, kAny, "relay", OutcomeKind::ChannelFatal, kNone, "relaying denied", kPolicyAdvice},
    // 5.7.0 and 5.7.1, not authorized (RFC 3463 section 3.8): one recipient's policy, or the
    // sender's standing (a refusal at MAIL FROM) when every request gets it.
    {500, 599, 5, 7, 0, nullptr, OutcomeKind::Permanent, kAmbiguous, "refused by policy", kPolicyAdvice},
    {500, 599, 5, 7, 1, nullptr, OutcomeKind::Permanent, kAmbiguous, "delivery not authorized", kPolicyAdvice},
    // Any other 5.7.x is the sender's security: authentication (RFC 4954 section 6), account
    // disabled (RFC 7372 section 3.1), SPF, DKIM, DMARC, reverse DNS (RFC 7372 section 3.2),
    // the sender's null MX (RFC 7505 section 4.2).
    {500, 599, 5, 7, kAny, nullptr, OutcomeKind::ChannelFatal, kNone, "sender security refused", kSecurityAdvice},
    // 5.2.3: longer than the server takes (RFC 3463 section 3.3): ours, likely every message's.
    {500, 599, 5, 2, 3, nullptr, OutcomeKind::Permanent, kAmbiguous, "message too long", kAlikeAdvice},
    // Mailbox status (RFC 3463 section 3.3: disabled, full) and routing (section 3.5): that address.
    {500, 599, 5, 2, kAny, nullptr, OutcomeKind::Permanent, kNone, "recipient mailbox unavailable", ""},
    {500, 599, 5, 4, kAny, nullptr, OutcomeKind::Permanent, kNone, "recipient domain unreachable", ""},
    // Mail system (RFC 3463 section 3.4), protocol (3.6) and content (3.7): the message's or our
    // client's, so maybe every request's.
    {500, 599, 5, 3, kAny, nullptr, OutcomeKind::Permanent, kAmbiguous, "mail system refused", kAlikeAdvice},
    {500, 599, 5, 5, kAny, nullptr, OutcomeKind::Permanent, kAmbiguous, "protocol error", kAlikeAdvice},
    {500, 599, 5, 6, kAny, nullptr, OutcomeKind::Permanent, kAmbiguous, "content refused", kAlikeAdvice},
    // By reply code alone (RFC 5321 sections 4.2.2, 4.2.3): 550 and 551 the mailbox; 553 the
    // mailbox name (the recipient's, or at MAIL FROM ours); 552 storage or size; 554 and
    // 500-504 the transaction or our commands.
    {550, 551, kAny, kAny, kAny, nullptr, OutcomeKind::Permanent, kNone, "recipient mailbox unavailable", ""},
    {552, 554, kAny, kAny, kAny, nullptr, OutcomeKind::Permanent, kAmbiguous, "message refused", kAlikeAdvice},
    {500, 504, kAny, kAny, kAny, nullptr, OutcomeKind::Permanent, kAmbiguous, "command refused", kAlikeAdvice},
    // Any other 5yz is permanent (RFC 5321 section 4.2.1), with a code RFC 5321 does not name.
    {500, 599, kAny, kAny, kAny, nullptr, OutcomeKind::Permanent, kAmbiguous | kUnlisted, "permanent failure",
     kAlikeAdvice},
};

struct CurlRule {
    long code;
    OutcomeKind kind;
    int flags;
    const char* meaning;
    const char* advice;
};

// libcurl's failures without a final 4xx/5xx reply, before the message may have been accepted.
// Configuration pauses the channel: retrying each cart would spend its attempts on the
// settings, and a paused channel probes again at the next run.
constexpr CurlRule kCurlRules[] = {
    // AUTH refused (RFC 4954 section 6), or no mechanism both sides know.
    {CURLE_LOGIN_DENIED, OutcomeKind::ChannelFatal, kNone, "login denied", kCredentialsAdvice},
    {CURLE_AUTH_ERROR, OutcomeKind::ChannelFatal, kNone, "login failed", kCredentialsAdvice},
    // TLS required but not offered or refused (RFC 3207 section 4, RFC 8314 section 3): never
    // sent in plain text, and every connection to that server gets the same.
    {CURLE_USE_SSL_FAILED, OutcomeKind::ChannelFatal, kNone, "TLS not available", kTlsAdvice},
    {CURLE_PEER_FAILED_VERIFICATION, OutcomeKind::ChannelFatal, kNone, "server certificate not trusted",
     "The SMTP server's certificate does not verify for the URL's host name: check the host name and the CA file."},
    {CURLE_SSL_CACERT_BADFILE, OutcomeKind::ChannelFatal, kNone, "CA file unreadable",
     "The CA file for the SMTP server cannot be read: check its path and permissions."},
    {CURLE_URL_MALFORMAT, OutcomeKind::ChannelFatal, kNone, "bad SMTP URL", "Check the email SMTP URL."},
    {CURLE_UNSUPPORTED_PROTOCOL, OutcomeKind::ChannelFatal, kNone, "bad SMTP URL",
     "The SMTP URL must start with smtps:// or smtp://."},
    // A host name that does not resolve is a wrong URL far more often than a DNS outage; the
    // pause covers both (the next run probes).
    {CURLE_COULDNT_RESOLVE_HOST, OutcomeKind::ChannelFatal, kNone, "SMTP host not found",
     "The SMTP URL's host name does not resolve: check the email SMTP URL."},
    // A refused connection: the server is down or restarting; a sender retries later (RFC 5321
    // section 4.5.4.1). Nothing is known of the recipient: no attempt spent.
    {CURLE_COULDNT_CONNECT, OutcomeKind::Transient, kThrottle, "could not connect", ""},
};

bool holds_word(const std::string& text, const char* word) {
    std::string lower(text);
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    return lower.find(word) != std::string::npos;
}

bool matches(const ReplyRule& rule, long code, const std::optional<EnhancedStatus>& status, const std::string* text) {
    if (code < rule.low || code > rule.high) return false;
    if (rule.klass != kAny && !(status && status->klass == rule.klass)) return false;
    if (rule.subject != kAny && !(status && status->subject == rule.subject)) return false;
    if (rule.detail != kAny && !(status && status->detail == rule.detail)) return false;
    if (rule.word) return text && holds_word(*text, rule.word);
    return true;
}

const ReplyRule* reply_rule(long code, const std::optional<EnhancedStatus>& status, const std::string* text) {
    for (const ReplyRule& rule : kReplyRules)
        if (matches(rule, code, status, text)) return &rule;
    return nullptr;
}

const CurlRule* curl_rule(long code) {
    for (const CurlRule& rule : kCurlRules)
        if (rule.code == code) return &rule;
    return nullptr;
}

// Reads up to 3 digits at `at`; -1 when none.
int read_number(const std::string& s, std::size_t& at) {
    int value = 0, digits = 0;
    while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at])) && digits < 3)
        value = value * 10 + (s[at++] - '0'), ++digits;
    return digits ? value : -1;
}

std::string status_text(const EnhancedStatus& s) {
    return std::to_string(s.klass) + "." + std::to_string(s.subject) + "." + std::to_string(s.detail);
}

// One line of a reply: CR, LF and other controls as spaces, runs of spaces as one.
std::string one_line(const std::string& text) {
    std::string out;
    for (char c : text) {
        const bool space = static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

void apply_flags(DeliveryOutcome& o, int flags) {
    o.ambiguous_code = (flags & kAmbiguous) != 0;
    o.account_throttled = (flags & kThrottle) != 0;
    o.unlisted_code = (flags & kUnlisted) != 0;
}

}  // namespace

std::optional<EnhancedStatus> parse_enhanced_status(const std::string& reply_text, long reply_code) {
    std::optional<EnhancedStatus> found;
    std::size_t line_start = 0;
    while (line_start < reply_text.size()) {
        std::size_t line_end = reply_text.find('\n', line_start);
        if (line_end == std::string::npos) line_end = reply_text.size();
        const std::string line = reply_text.substr(line_start, line_end - line_start);
        line_start = line_end + 1;
        // "ddd" then ' ' or '-' (RFC 5321 section 4.2), then "c.s.d" and a space or the end.
        std::size_t at = 0;
        if (line.size() < 4 || read_number(line, at) < 0 || at != 3 || (line[3] != ' ' && line[3] != '-')) continue;
        at = 4;
        EnhancedStatus s;
        s.klass = read_number(line, at);
        if (s.klass < 0 || at >= line.size() || line[at++] != '.') continue;
        s.subject = read_number(line, at);
        if (s.subject < 0 || at >= line.size() || line[at++] != '.') continue;
        s.detail = read_number(line, at);
        if (s.detail < 0 || (at < line.size() && line[at] != ' ' && line[at] != '\r')) continue;
        if (s.klass != 2 && s.klass != 4 && s.klass != 5) continue;
        found = s;
    }
    if (found && reply_code != 0 && reply_code / 100 != found->klass) return std::nullopt;
    return found;
}

long pack_enhanced_status(const EnhancedStatus& s) { return s.klass * 1000000L + s.subject * 1000L + s.detail; }

std::optional<EnhancedStatus> unpack_enhanced_status(long packed) {
    if (packed < 2000000 || packed > 5999999) return std::nullopt;
    EnhancedStatus s;
    s.klass = int(packed / 1000000);
    s.subject = int(packed / 1000 % 1000);
    s.detail = int(packed % 1000);
    return s;
}

DeliveryOutcome classify_smtp_answer(const SmtpAnswer& answer, const std::string& curl_error, const Secrets& secrets) {
    DeliveryOutcome o;
    const std::string reply = one_line(answer.reply_text);
    const bool final_refusal = answer.reply_code >= 400 && answer.reply_code <= 599;

    if (final_refusal || answer.curl_code == CURLE_OK) {
        // The server's final word (even beside libcurl's failure), or libcurl saw the 250 to the
        // message's end.
        const long code = answer.curl_code == CURLE_OK && !final_refusal ? 250 : answer.reply_code;
        const std::optional<EnhancedStatus> status = parse_enhanced_status(answer.reply_text, code);
        const ReplyRule* rule = reply_rule(code, status, &answer.reply_text);
        o.kind = rule->kind;
        apply_flags(o, rule->flags);
        if (o.kind == OutcomeKind::Sent) {
            o.provider_message_id = answer.message_id;
            o.message_status = recordable(reply, secrets, kMaxErrorText);  // "250 2.0.0 Ok: queued as ..."
            return o;
        }
        o.error_code = code;
        if (status) o.error_subcode = pack_enhanced_status(*status);
        o.error_text = recordable(reply.empty() ? "SMTP " + std::to_string(code) : reply, secrets, kMaxErrorText);
        o.public_summary =
            "SMTP " + std::to_string(code) + (status ? " " + status_text(*status) : "") + ": " + rule->meaning;
        return o;
    }

    o.error_subcode = answer.curl_code;
    std::string text = curl_error.empty() ? curl_easy_strerror(CURLcode(answer.curl_code)) : curl_error;
    if (!reply.empty()) text += " (last reply: " + reply + ")";
    const CurlRule* rule = curl_rule(answer.curl_code);
    if (answer.may_have_been_accepted) {
        // The message's end went out and no final reply came back: the server may have taken it
        // (RFC 5321 section 4.1.1.4; the duplicate problem of section 6.1). Never resent.
        o.kind = OutcomeKind::Unknown;
        text = "no final reply after the message was sent: " + text;
        o.public_summary = kNoCodeSummary;
    } else if (rule) {
        o.kind = rule->kind;
        apply_flags(o, rule->flags);
        o.public_summary = std::string("SMTP: ") + rule->meaning;
    } else {
        // Timeouts, cut connections, TLS handshakes that broke: nothing was taken yet, a sender
        // retries later (RFC 5321 section 4.5.4.1).
        o.kind = OutcomeKind::Transient;
        o.public_summary = kNoCodeSummary;
    }
    o.error_text = recordable("SMTP: " + text, secrets, kMaxErrorText);
    return o;
}

std::string smtp_pause_reason(long error_code, const std::string& error_text) {
    // libcurl's failures read "SMTP: ..." already.
    return error_code == 0 ? "email channel paused: " + error_text
                           : "email channel paused by SMTP reply " + std::to_string(error_code) + ": " + error_text;
}

std::string smtp_pause_advice(long error_code, long error_subcode) {
    if (error_code == 0) {
        const CurlRule* rule = curl_rule(error_subcode);
        return rule ? rule->advice : "";
    }
    // Rows that need the reply's text (relaying) are skipped here; a 5xx that paused without an
    // advice of its own row is such a refusal.
    const ReplyRule* rule = reply_rule(error_code, unpack_enhanced_status(error_subcode), nullptr);
    if (rule && *rule->advice) return rule->advice;
    return error_code >= 500 && error_code <= 599 ? kPolicyAdvice : "";
}

}  // namespace cart_abandon
