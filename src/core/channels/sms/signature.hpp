// Twilio's request signature: every webhook POST (status callbacks, inbound messages) carries
// X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL + each POST parameter's name and value,
// sorted by name)), the URL being the exact one Twilio called (scheme, host, port, path, query).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

#include "core/channels/sms/form.hpp"

namespace cart_abandon::twilio {

// The text Twilio signs: `url`, then for each parameter in byte order of name (a name given twice
// in byte order of value) its name and value, concatenated.
std::string signed_text(const std::string& url, const FormFields& parameters);

// base64 of HMAC-SHA1(auth_token, signed_text(url, parameters)). Throws Error InvalidArgument
// for an empty token and Internal when OpenSSL fails; neither message holds the token.
std::string twilio_signature(const std::string& auth_token, const std::string& url, const FormFields& parameters);

// True when `header` (spaces, tabs, CR or LF around it ignored) is the base64 of the 20 bytes of
// HMAC-SHA1 that Twilio computes for `url` and the form `body`, compared in constant time
// (CRYPTO_memcmp). False, never an exception, for a malformed header, an empty token, a body that
// cannot be read or a failure of the library: a request that cannot be verified is refused.
bool signature_matches(const std::string& url, const std::string& body, const std::string& header,
                       const std::string& auth_token);

}  // namespace cart_abandon::twilio
