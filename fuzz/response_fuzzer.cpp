// Any answer body with any of the statuses Meta uses: classified into one kind; only a 2xx with
// a message id is Sent; recorded text is bounded and never holds the token.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/whatsapp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    static const long kStatuses[] = {200, 201, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504};
    const long status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
    const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string token = "EAAG-fuzz-token";
    auto outcome = cart_abandon::classify_response(status, body);
    outcome.error_text = cart_abandon::redact(outcome.error_text, token);
    if (outcome.kind == cart_abandon::OutcomeKind::Sent && (status >= 300 || outcome.wamid.empty())) std::abort();
    if (outcome.error_text.size() > 310) std::abort();
    if (outcome.error_text.find(token) != std::string::npos) std::abort();
    const auto transport = cart_abandon::classify_transport_failure(body, data[0] & 1);
    if (transport.kind != ((data[0] & 1) ? cart_abandon::OutcomeKind::Unknown : cart_abandon::OutcomeKind::Transient))
        std::abort();
    return 0;
}
