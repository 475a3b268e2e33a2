// Any text as a cursor: an error of our own kind, or an id that encodes back to a cursor
// decoding to the same id.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/codec/cursor.hpp"
#include "core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const std::string id = cart_abandon::decode_cursor(text);
        if (id.empty() || cart_abandon::decode_cursor(cart_abandon::encode_cursor(id)) != id) std::abort();
    } catch (const cart_abandon::Error& e) {
        if (e.kind() != cart_abandon::ErrorKind::InvalidText) std::abort();
    }
    return 0;
}
