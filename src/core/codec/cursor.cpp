#include "core/codec/cursor.hpp"

#include <nlohmann/json.hpp>

#include "core/codec/base64.hpp"
#include "core/error.hpp"

namespace cart_abandon {

namespace {

[[noreturn]] void reject(const std::string& what) {
    throw Error(ErrorKind::InvalidText, "invalid cursor: " + what, {},
                "Pass NULL to start a scan, or a next_cursor value returned by cart_abandon_process.");
}

}  // namespace

std::string encode_cursor(const std::string& cart_id) { return base64_encode(nlohmann::json{{"id", cart_id}}.dump()); }

std::string decode_cursor(const std::string& cursor) {
    if (cursor.empty()) reject("it is empty");
    if (cursor.size() > kMaxCursorLength)
        reject("it is longer than " + std::to_string(kMaxCursorLength) + " characters");

    const auto bytes = base64_decode(cursor);
    if (!bytes) reject("it is not base64");

    const auto parsed = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) reject("it does not decode to JSON");
    if (!parsed.is_object()) reject("it does not decode to a JSON object");

    const auto id = parsed.find("id");
    if (id == parsed.end()) reject("it has no \"id\" key");
    if (!id->is_string()) reject("its \"id\" is not a string");
    const auto& cart_id = id->get_ref<const std::string&>();
    if (cart_id.empty()) reject("its \"id\" is empty");
    // PostgreSQL text cannot hold NUL, so such an id could never match a cart.
    if (cart_id.find('\0') != std::string::npos) reject("its \"id\" contains a NUL character");
    return cart_id;
}

}  // namespace cart_abandon
