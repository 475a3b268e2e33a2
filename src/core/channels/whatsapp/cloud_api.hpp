// The WhatsApp Cloud API as a sender sees it: the template request, and what each answer means
// (see docs/whatsapp-cloud-api.md for the error-code table followed here).
#pragma once

#include "core/no_postgres.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/channels/whatsapp/errors.hpp"
#include "core/delivery/channel.hpp"
#include "core/delivery/outcome.hpp"
#include "core/transport/redaction.hpp"

namespace cart_abandon {

// POST target: {api_url}/{phone_number_id}/{endpoint}
std::string whatsapp_messages_url(const std::string& api_url, const std::string& phone_number_id,
                                  const std::string& endpoint = "messages");

// The template message's JSON body for `notification` (Meta's Cloud API: to, template name,
// language, body parameters in order, biz_opaque_callback_data = the reference).
std::string whatsapp_payload(const Notification& notification);

// Classifies a complete HTTP answer by Meta's error.code first, then by HTTP status, and fills
// the outcome's account_throttled, ambiguous_code, unlisted_code, recipient_spacing (131056),
// hold_seconds and public_summary from Meta's table. Meta's
// texts are recordable() with `secrets` (an answer may echo the token); an id that holds one
// is no id.
DeliveryOutcome classify_response(long http_status, const std::string& body, const Secrets& secrets);

// Classifies a request that got no complete HTTP answer. `request_sent` says whether the whole
// request left this machine: if it did, Meta may have acted on it, so the outcome is unknown.
// `error_cut`: the error's source cut it (libcurl's fixed buffer), so it may end in part of a secret.
DeliveryOutcome classify_transport_failure(const std::string& error, bool request_sent, const Secrets& secrets,
                                           bool error_cut = false);

}  // namespace cart_abandon
