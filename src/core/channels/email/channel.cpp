#include "core/channels/email/channel.hpp"

#include <cctype>
#include <utility>

#include "core/channels/email/header_encoding.hpp"
#include "core/channels/email/message.hpp"
#include "core/channels/email/smtp_reply.hpp"
#include "core/channels/email/unsubscribe_token.hpp"
#include "core/codec/base64.hpp"
#include "core/error.hpp"

namespace cart_abandon {

namespace {

// Opt-outs are kept by the lower-cased address (the cart's email is read so): a token signed for
// "Anna@Example.com" stops the same person.
std::string lower_ascii(std::string text) {
    for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

EmailChannel::EmailChannel(EmailEndpoint endpoint, Clock clock)
    : endpoint_(std::move(endpoint)), clock_(std::move(clock)), secrets_(std::move(endpoint_.other_secrets)) {
    endpoint_.other_secrets.clear();
    if (!is_header_safe_address(endpoint_.from_address))
        throw Error(ErrorKind::InvalidArgument, "the email From address is not an address a header can hold");
    if (!endpoint_.reply_to_address.empty() && !is_header_safe_address(endpoint_.reply_to_address))
        throw Error(ErrorKind::InvalidArgument, "the email Reply-To address is not an address a header can hold");
    if (endpoint_.unsubscribe_url.empty())
        throw Error(ErrorKind::MissingConfiguration, "the email channel has no unsubscribe URL",
                    "Every reminder email carries a one-click unsubscribe link (RFC 8058).");
    unsubscribe_link("check@example.invalid", clock_());  // a key too short throws here, not at each send
    secrets_.push_back(endpoint_.unsubscribe_secret);
    if (endpoint_.password.empty()) return;
    secrets_.push_back(endpoint_.password);
    // AUTH PLAIN carries base64("\0user\0password") and AUTH LOGIN base64("password"): a server that
    // echoes either must not put them on record.
    secrets_.push_back(base64_encode(std::string(1, '\0') + endpoint_.username + '\0' + endpoint_.password));
    secrets_.push_back(base64_encode(endpoint_.password));
}

std::string EmailChannel::unsubscribe_link(const std::string& address,
                                           std::chrono::system_clock::time_point now) const {
    const auto expires =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()) + endpoint_.unsubscribe_valid_for;
    const std::string token =
        sign_unsubscribe_token(endpoint_.unsubscribe_secret, {"email", lower_ascii(address), expires.count()});
    const char joint = endpoint_.unsubscribe_url.find('?') == std::string::npos ? '?' : '&';
    return endpoint_.unsubscribe_url + joint + "token=" + token;
}

HttpRequest EmailChannel::request(const Notification& notification) const {
    HttpRequest request;
    request.url = endpoint_.url;
    try {
        const auto now = clock_();
        const ChosenTemplates chosen = endpoint_.templates.choose(
            notification.content.stage, notification.content.locale, endpoint_.default_locale);
        EmailInput input;
        input.to_address = notification.to;
        input.cart = notification.content;
        input.cart.locale = chosen.locale;
        input.from_address = endpoint_.from_address;
        input.from_name = endpoint_.from_name;
        input.reply_to_address = endpoint_.reply_to_address;
        input.unsubscribe_link = unsubscribe_link(notification.to, now);
        input.templates = chosen.templates;
        RenderedEmail email = render_email(input, now);

        MailSubmission submission;
        submission.username = endpoint_.username;
        submission.password = endpoint_.password;
        submission.mail_from = endpoint_.from_address;
        submission.recipients = {notification.to};
        submission.message.headers = std::move(email.headers);
        submission.message.text = std::move(email.text);
        submission.message.html = std::move(email.html);
        submission.allow_plaintext = endpoint_.allow_plaintext;
        request.mail = std::move(submission);
    } catch (const std::exception& e) {
        request.unsendable =
            recordable(std::string("the email could not be rendered: ") + e.what(), secrets_, kMaxErrorText);
    }
    return request;
}

DeliveryOutcome EmailChannel::classify(const HttpResult& result) const {
    if (result.refused) {
        // Nothing went out, and the same email would be refused again: that message fails alone.
        DeliveryOutcome outcome;
        outcome.kind = OutcomeKind::Permanent;
        outcome.error_text = recordable(result.error, secrets_, kMaxErrorText);
        outcome.public_summary = "email not sendable";
        return outcome;
    }
    if (!result.started)
        return unanswered_request(result.error, result.request_sent, secrets_, kMaxErrorText, result.error_cut);
    SmtpAnswer answer;
    answer.reply_code = result.status;
    answer.reply_text = result.reply;
    answer.curl_code = result.curl_code;
    answer.may_have_been_accepted = result.request_sent;
    answer.message_id = result.mail_message_id;
    return classify_smtp_answer(answer, result.error, secrets_);
}

std::string EmailChannel::pause_reason(long code, const std::string& error_text, bool) const {
    return smtp_pause_reason(code, error_text);
}

std::string EmailChannel::pause_advice(long code, long subcode) const { return smtp_pause_advice(code, subcode); }

}  // namespace cart_abandon
