// What a send on each channel needs of the settings together: the settings present, URLs that a
// credential or a shopper's data travels to over TLS, plain SMTP on the loopback only.
#pragma once

#include "core/no_postgres.hpp"

#include <string>

#include "core/model/config.hpp"

namespace cart_abandon {

// Throws Error(MissingConfiguration) naming `name` when `value` is empty: `channel` ("WhatsApp",
// "SMS", "email") is enabled and needs it.
void require_setting(const std::string& value, const char* name, const char* channel);

// An SMS send's: twilio_account_sid, the auth token, a Messaging Service SID or a From number;
// twilio_api_url and, when set, twilio_status_callback_url https:// (require_https). Throws
// Error(MissingConfiguration) for the first that is not so.
void check_sms_settings(const Settings& s);

// An email send's. smtp: smtp_url set, the plaintext rule (resolve_smtp_plaintext); both
// transports: email_from, and the one-click unsubscribe (RFC 8058) that marketing email must
// carry: email_unsubscribe_url (https://, require_https) and its secret. Throws
// Error(MissingConfiguration) for the first that is not so.
void check_email_settings(const Settings& s);

}  // namespace cart_abandon
