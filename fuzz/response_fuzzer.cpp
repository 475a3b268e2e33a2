// Any answer body with any of the statuses Meta uses, with the token spliced in anywhere:
// classified into one kind; only a 2xx with a message id is Sent; recorded text is bounded and
// never holds the token (in any form), nor, where it was cut, the token's first characters at
// its end.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/transport/redaction.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"

namespace {

const std::string kToken = "EAAG/fuzz+token=";

void require(bool condition) {
    if (!condition) std::abort();
}

// No end of `text` (before the "..." of this cut, when `marked`) is a start of the token.
bool ends_clear(std::string text, bool marked) {
    if (marked) text.resize(text.size() - 3);
    for (std::size_t kept = 1; kept < kToken.size(); ++kept)
        if (text.size() >= kept && text.compare(text.size() - kept, kept, kToken, 0, kept) == 0) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    static const long kStatuses[] = {200, 201, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504};
    const long status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
    std::string body(reinterpret_cast<const char*>(data) + 2, size - 2);
    if (data[1] & 1) body.insert(std::size_t(data[1]) * 7 % (body.size() + 1), kToken);
    const cart_abandon::Secrets secrets = {kToken};

    const auto outcome = cart_abandon::classify_response(status, body, secrets);
    require(
        !(outcome.kind == cart_abandon::OutcomeKind::Sent && (status >= 300 || outcome.provider_message_id.empty())));
    for (const std::string* text :
         {&outcome.error_text, &outcome.message_status, &outcome.provider_message_id, &outcome.provider_recipient_id})
        require(!cart_abandon::holds_secret(*text, secrets));
    require(outcome.error_text.size() <= cart_abandon::kMaxErrorText);
    require(outcome.message_status.size() <= cart_abandon::kMaxErrorText);

    // libcurl's message, cut by its buffer anywhere: nothing of the token at the end either.
    const bool sent = data[0] & 1;
    const auto transport = cart_abandon::classify_transport_failure(body, sent, secrets, true);
    require(transport.kind == (sent ? cart_abandon::OutcomeKind::Unknown : cart_abandon::OutcomeKind::Transient));
    const std::string lead = sent ? "no complete answer after the request was sent: " : "request not sent: ";
    const bool marked = cart_abandon::redact(lead + body, secrets).size() > cart_abandon::kMaxErrorText;
    require(!cart_abandon::holds_secret(transport.error_text, secrets) && ends_clear(transport.error_text, marked));
    require(transport.error_text.size() <= cart_abandon::kMaxErrorText);
    return 0;
}
