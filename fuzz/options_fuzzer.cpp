// Any text as the options object: parsed, or refused with an error naming what is wrong;
// whatever parses resolves into a configuration or a clear error, never anything else.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/model/config.hpp"
#include "core/error.hpp"

#include "../test/unit/sending_settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    cart_abandon::RunOptions options;
    try {
        options = cart_abandon::parse_run_options(text);
    } catch (const cart_abandon::Error& e) {
        if (e.kind() != cart_abandon::ErrorKind::InvalidArgument || std::string(e.what()).empty()) std::abort();
        return 0;
    }
    if (options.batch_size && (*options.batch_size < 1 || *options.batch_size > cart_abandon::kMaxBatchSize))
        std::abort();
    const cart_abandon::Settings settings = cart_abandon::sending_settings();
    try {
        const auto config = cart_abandon::resolve_run_config(settings, options);
        if (config.timing.second_delay <= config.timing.first_delay) std::abort();
    } catch (const cart_abandon::Error&) {}
    return 0;
}
