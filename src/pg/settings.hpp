// The cart_abandon.* settings (GUCs), defined by part (src/pg/settings/): each part's init
// registers its own from _PG_init.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/model/config.hpp"
#include "core/delivery/engine.hpp"

namespace pg {

// Each part registers its settings; _PG_init calls every one, then reserves the prefix.
void define_run_settings();  // schema, batch, timing, channels, pacing of a run
void define_delivery_settings();  // requests: time limit, concurrency, rate, retries, messaging limit
void define_whatsapp_settings();  // the Cloud API, sending number, endpoint, templates, cart link
void define_audience_settings();  // regions, quiet hours, frequency cap, consent
void define_sms_settings();  // Twilio: API, account, sender, status callbacks; SMS consent
void define_email_settings();  // transport, SMTP server, From, Reply-To, unsubscribe, locale, channel order
void define_secret_settings();  // each secret (tokens, passwords, keys), or its file

// The settings in force now, as the core sees them.
cart_abandon::Settings current_settings();

// How the delivery engine sends (max_concurrency, retry backoff, longest in-run retry wait).
cart_abandon::EngineOptions engine_options();
double max_per_second();
int attempts_per_run();

// The app secret that signs Meta's webhooks, from whatsapp_app_secret or its file; "" when unset.
// Secret: never logged, never in an error.
std::string whatsapp_app_secret();

// The secrets that are set and readable (the WhatsApp token and app secret, the Twilio auth token,
// the SMTP password, the unsubscribe key), which no recorded provider
// text may carry. A file that cannot be read is left out: redacting must not stop a send or a
// webhook, and what could not be read was not sent.
cart_abandon::Secrets readable_secrets();

// The secret settings (those of readable_secrets) whose value comes from a configuration file while
// the library was not preloaded: before a session loads it, any role can SHOW them.
std::vector<std::string> exposed_secrets();

// Throws Error(MissingConfiguration) saying how to fix it when `setting` is exposed so.
void require_unexposed(const char* setting);

// require_unexposed for every secret a call that sends with `config` uses (none for a dry run):
// the WhatsApp token and app secret (appsecret_proof), the Twilio auth token.
void require_sending_secrets_unexposed(const cart_abandon::RunConfig& config);

std::string medusa_schema();
int max_attempts();
std::chrono::milliseconds batch_pause();
std::chrono::seconds claim_timeout();
std::chrono::seconds full_scan_interval();

}  // namespace pg
