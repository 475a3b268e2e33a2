// An email handed to the transport (HttpClient runs it as an SMTP submission, RFC 6409): the
// envelope, the credentials and the message. What the message says (headers, their RFC 2047
// encoding, the bodies) is the email channel's; how it travels is the transport's.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <vector>

namespace cart_abandon {

// How each body part is carried (RFC 2045 Content-Transfer-Encoding).
enum class MailBodyEncoding { QuotedPrintable, Base64 };

// A multipart/alternative of a text/plain and a text/html part, both charset=utf-8, under the
// given top-level headers. Line breaks in the bodies may be "\n" or "\r\n": both travel as CRLF.
struct MailMessage {
    // "Name: value" lines, already encoded (RFC 5322, RFC 2047): From, To, Reply-To, Subject, Date,
    // Message-ID, List-Unsubscribe, List-Unsubscribe-Post... A value may be folded ("\r\n" and a
    // space or tab); any other CR or LF refuses the message. The transport adds MIME-Version and
    // Content-Type (a message that names either is refused).
    std::vector<std::string> headers;
    std::string text;  // UTF-8
    std::string html;  // UTF-8
    MailBodyEncoding encoding = MailBodyEncoding::QuotedPrintable;
};

// Sent to HttpRequest::url: "smtps://host:port" (TLS from the start) or "smtp://host:port", where
// STARTTLS is required (RFC 3207) unless allow_plaintext.
struct MailSubmission {
    std::string username;  // AUTH (RFC 4954) when not empty
    std::string password;  // secret: never in a result, an error or a log
    std::string mail_from;  // the envelope's reverse-path (MAIL FROM), an address without <>
    std::vector<std::string> recipients;  // the forward-paths (RCPT TO); a refused one fails the submission
    MailMessage message;
    // smtp:// without TLS: only for a loopback sink, which the caller (a superuser's setting) vouches for.
    bool allow_plaintext = false;
};

}  // namespace cart_abandon
