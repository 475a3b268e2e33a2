// Meta's webhook signature: every POST to the callback carries `X-Hub-Signature-256:
// sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>` (Meta's webhook
// reference, "Validating payloads"; docs/whatsapp-cloud-api.md, "Webhooks").
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// True when `header` is `sha256=` followed by exactly 64 hex digits (either case), with only
// spaces, tabs, CR or LF around it, and those digits are the HMAC-SHA256 of the exact bytes of
// `payload` keyed with `app_secret`. Compared in constant time (CRYPTO_memcmp over the 32 raw
// bytes). False, never an exception, for a malformed header, an empty secret or a failure of
// the library: a body that cannot be verified is refused.
bool signature_matches(const std::string& payload, const std::string& header, const std::string& app_secret);

// appsecret_proof for a Graph request (Meta's "Securing Requests"): 64 lower-case hex digits of
// HMAC-SHA256 of `access_token` keyed with `app_secret`. Apps with "Require App Secret" refuse
// every call without it. Throws Error InvalidArgument for an empty secret and Internal when
// OpenSSL fails; neither message holds the token or the secret.
std::string appsecret_proof(const std::string& access_token, const std::string& app_secret);

}  // namespace cart_abandon
