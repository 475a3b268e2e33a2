// Email behind the Channel interface: the reminder rendered from the notification's cart content
// (message.hpp) with the shop's templates (templates.hpp), submitted over SMTP by the transport
// (HttpRequest::mail), its answer read by RFC 5321/3463 (smtp_reply.hpp).
#pragma once

#include "core/no_postgres.hpp"

#include <chrono>
#include <functional>
#include <string>

#include "core/channels/email/templates.hpp"
#include "core/delivery/channel.hpp"
#include "core/transport/redaction.hpp"

namespace cart_abandon {

struct EmailEndpoint {
    std::string url;  // smtps://host:port, or smtp://host:port (STARTTLS required unless allow_plaintext)
    std::string username;  // AUTH when not empty
    std::string password;  // secret
    std::string from_address;  // From, and the envelope's sender (MAIL FROM); its domain names the Message-ID
    std::string from_name;
    std::string reply_to_address;  // "" for no Reply-To
    bool allow_plaintext = false;  // smtp:// without TLS: a loopback sink only
    std::string default_locale = "en";  // the shop's language: for a shopper with none, or none of its templates
    // The https URL the plugin serves for one-click unsubscribe (RFC 8058); the signed token is
    // appended as "?token=..." ("&token=..." after a query of its own).
    std::string unsubscribe_url;
    std::string unsubscribe_secret;  // secret: the HMAC key of unsubscribe_token.hpp, at least 32 bytes
    std::chrono::seconds unsubscribe_valid_for{std::chrono::hours(24 * 30)};
    EmailTemplateSet templates;  // the shop's, checked by validate_email_templates; empty: the defaults
    Secrets other_secrets;  // no recorded text may carry these either
};

class EmailChannel final : public Channel {
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;

    // `clock`: the Date header's time and the unsubscribe link's start (tests set it). Throws
    // Error InvalidArgument for a From or Reply-To address that cannot stand in a header, or an
    // unsubscribe secret shorter than 32 bytes; MissingConfiguration for no unsubscribe URL.
    explicit EmailChannel(EmailEndpoint endpoint, Clock clock = std::chrono::system_clock::now);

    const char* display_name() const override { return "email"; }
    ChannelKind kind() const override { return ChannelKind::Email; }
    // The submission of the reminder to notification.to (the address; in To with
    // content.recipient_name), rendered from notification.content: the templates of its stage
    // and locale, and a List-Unsubscribe link signed for the address (lower-cased). An email that
    // cannot be rendered (a template, a currency code, an address) is a request the transport
    // refuses without sending (HttpRequest::unsendable, the reason redacted); classify() makes it
    // Permanent: that message fails, never resent, and the channel goes on.
    HttpRequest request(const Notification& notification) const override;
    // A refused request: Permanent. Not started: unanswered_request's. Else classify_smtp_answer
    // on the reply, the CURLcode and the Message-ID the transport submitted, which a Sent outcome
    // keeps as provider_message_id.
    DeliveryOutcome classify(const HttpResult& result) const override;
    const Secrets& secrets() const override { return secrets_; }
    std::string pause_reason(long code, const std::string& error_text, bool by_webhook) const override;
    std::string pause_advice(long code, long subcode) const override;

    // The one-click unsubscribe link for `address` signed at `now`.
    std::string unsubscribe_link(const std::string& address, std::chrono::system_clock::time_point now) const;

private:
    EmailEndpoint endpoint_;
    Clock clock_;
    // The password, its base64 forms in AUTH PLAIN and LOGIN, the unsubscribe secret, the other secrets.
    Secrets secrets_;
};

}  // namespace cart_abandon
