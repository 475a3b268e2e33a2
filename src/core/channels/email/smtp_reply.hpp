// What an SMTP submission's answer means (RFC 5321 reply codes, RFC 3463 enhanced status codes,
// libcurl's CURLcode), in the outcome every channel shares (core/delivery/outcome.hpp). The rules
// are one table per source in smtp_reply.cpp, each row with the RFC section it comes from.
#pragma once

#include "core/no_postgres.hpp"

#include <optional>
#include <string>

#include "core/delivery/outcome.hpp"
#include "core/transport/redaction.hpp"

namespace cart_abandon {

// An enhanced status code "class.subject.detail" (RFC 3463 section 2).
struct EnhancedStatus {
    int klass = 0;  // 2, 4 or 5
    int subject = 0;
    int detail = 0;
    bool operator==(const EnhancedStatus& o) const {
        return klass == o.klass && subject == o.subject && detail == o.detail;
    }
};

// The enhanced status code of a reply: the one after the reply code of its last line that has
// one ("550-5.1.1 ...\r\n550 5.1.1 <x@y>: ..." gives 5.1.1); nullopt when none, or when its class
// is not the reply code's first digit (RFC 2034 section 4: they must agree). `reply_code` 0:
// not checked.
std::optional<EnhancedStatus> parse_enhanced_status(const std::string& reply_text, long reply_code = 0);

// An enhanced status as one number for DeliveryOutcome::error_subcode: class * 1000000 +
// subject * 1000 + detail (5.1.1 is 5001001; RFC 3463 allows 3 digits for each).
long pack_enhanced_status(const EnhancedStatus& status);
std::optional<EnhancedStatus> unpack_enhanced_status(long packed);

// The answer to one submission as the SMTP transport reports it.
struct SmtpAnswer {
    long reply_code = 0;  // the last SMTP reply code received, 0 when none arrived
    std::string reply_text;  // the server's last reply line(s), code included
    long curl_code = 0;  // libcurl's CURLcode of the transfer (CURLE_OK: the server took the message)
    // The end of the message data (".") was sent: without a final reply to it the server may have
    // accepted the message (RFC 5321 section 4.1.1.4).
    bool may_have_been_accepted = false;
    std::string message_id;  // our Message-ID ("<...@...>"), kept as provider_message_id when Sent
};

// The outcome of a submission:
//  - a 4xx or 5xx reply decides first (the server's final word, even with a libcurl failure);
//  - else libcurl's failure: configuration (login denied, TLS not offered, a host name that does
//    not resolve, a certificate that does not verify) pauses the channel; a cut or timed-out
//    connection is Unknown once the message may have been accepted, else Transient;
//  - else (CURLE_OK) Sent.
// error_code is the reply code that decided (0 when libcurl's failure did); error_subcode the
// packed enhanced status of that reply (0: none), or the CURLcode when error_code is 0.
// error_text is "<reply text>" or "SMTP: <curl's message>", redacted of `secrets`; public_summary
// is fixed text ("SMTP 550 5.1.1: unknown recipient"), never the server's.
DeliveryOutcome classify_smtp_answer(const SmtpAnswer& answer, const std::string& curl_error, const Secrets& secrets);

// Why the email channel paused on an outcome of classify_smtp_answer, from its error_code (the
// reply code; 0: libcurl's failure decided) and its error_text (already redacted):
// "email channel paused by SMTP reply 535: 535 5.7.8 ...", or "email channel paused: SMTP: ...".
std::string smtp_pause_reason(long error_code, const std::string& error_text);

// What to do about a channel paused by an outcome of classify_smtp_answer (its error_code and
// error_subcode); "" when nothing more than the error itself can be said.
std::string smtp_pause_advice(long error_code, long error_subcode);

}  // namespace cart_abandon
