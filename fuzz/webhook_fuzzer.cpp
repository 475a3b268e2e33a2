// Any webhook body: parse_webhook either throws cart_abandon::Error (InvalidText, or
// InvalidArgument over the limit) with a short message, or returns at most 1,000 updates whose
// texts are bounded (ids non-empty where required, printable, at most 256 bytes; callback data at
// most 2,048 bytes without NUL; error text at most 300 bytes of valid UTF-8 without controls) and
// whose words are Meta's; no kept text and no error message holds the secret; an unreadable item
// has a path and a short reason, never its content. Marking string defects leaves a text
// nlohmann reads (without \u0000) as it is, and maps every position back into the body. The
// signature Meta would send for the body matches, and no longer does once any one byte of the
// body or of the header's digits changes. Trimming punctuation and spaces off the ends never
// changes whether a text is an opt-out.
#include <unicode/utf8.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"
#include "core/channels/whatsapp/signature.hpp"
#include "core/codec/string_defects.hpp"
#include "core/channels/whatsapp/webhook.hpp"

#include "../test/unit/signature_header.hpp"

namespace {

using namespace cart_abandon;

void require(bool condition) {
    if (!condition) std::abort();
}

bool printable_id(const std::string& id, bool required) {
    if (id.empty()) return !required;
    if (id.size() > kMaxWebhookIdBytes) return false;
    for (char c : id)
        if (uint8_t(c) < 0x20 || c == 0x7F) return false;
    return true;
}

bool valid_utf8_without_controls(const std::string& text) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
    for (int32_t i = 0, length = int32_t(text.size()); i < length;) {
        UChar32 c;
        U8_NEXT(bytes, i, length, c);
        if (c < 0x20 || c == 0x7F) return false;
    }
    return true;
}

// A secret the dictionary's words may assemble ("wamid.", "cart_abandon" are in webhook.dict).
const Secrets kSecrets = {"wamid.1"};

bool clear(const std::string& text) { return !holds_secret(text, kSecrets); }

void check_batch(const WebhookBatch& batch) {
    require(batch.ignored >= 0);
    require(batch.updates() <= kMaxWebhookUpdates);
    for (const StatusUpdate& s : batch.statuses) {
        require(printable_id(s.wamid, true) && printable_id(s.recipient_id, false) &&
                printable_id(s.phone_number_id, false));
        require(std::size_t(s.status) < cart_abandon::WordNames<cart_abandon::ProviderStatus>::names.size());
        require(s.timestamp >= 0);
        require(s.callback_data.size() <= kMaxCallbackDataBytes && s.callback_data.find('\0') == std::string::npos);
        require(s.error_text.size() <= kMaxWebhookErrorText && valid_utf8_without_controls(s.error_text));
        require(s.status == cart_abandon::ProviderStatus::Failed || (s.error_code == 0 && s.error_text.empty()));
        require(clear(s.wamid) && clear(s.recipient_id) && clear(s.error_text) && clear(s.phone_number_id));
    }
    for (const PreferenceUpdate& p : batch.preferences) {
        require(printable_id(p.wa_id, true) && p.category == "marketing_messages");
        require((p.value == "stop" || p.value == "resume") && p.timestamp >= 0);
    }
    for (const UnreadableItem& u : batch.unreadable) {
        require(u.path.rfind("entry[", 0) == 0 && u.path.size() <= 80);
        require(!u.reason.empty() && u.reason.size() <= 60 && u.reason.find('\0') == std::string::npos);
    }
    for (const InboundOptOut& o : batch.opt_outs) {
        require(printable_id(o.wa_id, true) && printable_id(o.wamid, true) && printable_id(o.replied_to, false));
        require((o.how == "text" || o.how == "button") && o.timestamp >= 0);
    }
}

void check_marking(const std::string& payload) {
    const MarkedText marked = mark_string_defects(payload);
    for (std::size_t at = 0; at <= marked.text.size(); at += 1 + marked.text.size() / 64)
        require(marked.original_position(at) <= payload.size());
    // (nlohmann stops at a NUL byte as at the end: what follows it is not read.)
    if (payload.find("\\u0000") == std::string::npos && payload.find('\0') == std::string::npos &&
        nlohmann::json::accept(payload))
        require(marked.text == payload && marked.markers.empty());
}

void check_signature(const std::string& payload, const uint8_t* data, size_t size) {
    const std::string secret = "app-secret-" + payload.substr(0, 4);
    const std::string header = signature_header(payload, secret);
    require(header.size() == 71 && signature_matches(payload, header, secret));
    require(!signature_matches(payload, header, ""));
    if (size == 0) return;
    const std::size_t at = (size_t(data[0]) * 131 + size) % size;
    std::string changed = payload;
    changed[at] = char(changed[at] ^ (1 + data[size - 1] % 255));
    require(!signature_matches(changed, header, secret));
    std::string bad_header = header;
    const std::size_t digit = 7 + at % 64;
    bad_header[digit] = bad_header[digit] == '0' ? '1' : '0';
    require(!signature_matches(payload, bad_header, secret));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string payload(reinterpret_cast<const char*>(data), size);
    try {
        check_batch(parse_webhook(payload, kSecrets));
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::InvalidText || e.kind() == ErrorKind::InvalidArgument);
        require(std::string(e.what()).size() <= 120 && !holds_secret(e.what(), kSecrets));
    }
    check_marking(payload);
    check_signature(payload, data, size);
    if (size <= 4096) require(is_opt_out_text(payload) == is_opt_out_text(" \t" + payload + "!\xf0\x9f\x99\x8f"));
    return 0;
}
