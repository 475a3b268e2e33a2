#include "core/model/config.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/model/channel_settings.hpp"
#include "core/transport/smtp_url.hpp"
#include "core/transport/url_check.hpp"

namespace cart_abandon {

namespace {

using nlohmann::json;

constexpr const char* kKnownOptions =
    "batchSize, firstNotificationDelayHours, secondNotificationDelayHours, enableWhatsApp, "
    "enableEmail, dryRun";

[[noreturn]] void bad_option(const std::string& key, const std::string& problem) {
    throw Error(ErrorKind::InvalidArgument, "option \"" + key + "\" " + problem);
}

bool take_bool(const std::string& key, const json& value) {
    if (!value.is_boolean()) bad_option(key, "must be true or false");
    return value.get<bool>();
}

double take_hours(const std::string& key, const json& value) {
    if (!value.is_number()) bad_option(key, "must be a number of hours");
    const double hours = value.get<double>();
    if (!std::isfinite(hours) || hours <= 0 || hours > kMaxDelayHours)
        bad_option(key, "must be greater than 0 and at most " + std::to_string(int(kMaxDelayHours)));
    return hours;
}

int take_batch_size(const std::string& key, const json& value) {
    if (!value.is_number_integer()) bad_option(key, "must be an integer");
    const auto size = value.get<long long>();
    if (size < 1 || size > kMaxBatchSize) bad_option(key, "must be between 1 and " + std::to_string(kMaxBatchSize));
    return int(size);
}

std::chrono::seconds hours_to_seconds(double hours) { return std::chrono::seconds(std::llround(hours * 3600.0)); }

std::string describe(std::chrono::seconds s) {
    if (s.count() % 3600 == 0) return std::to_string(s.count() / 3600) + " h";
    return std::to_string(s.count()) + " s";
}

void check_sending_settings(const Settings& s) {
    constexpr const char* kChannel = "WhatsApp";
    require_setting(s.whatsapp_token, "cart_abandon.whatsapp_token", kChannel);
    require_setting(s.whatsapp_phone_number_id, "cart_abandon.whatsapp_phone_number_id", kChannel);
    require_setting(s.whatsapp_api_url, "cart_abandon.whatsapp_api_url", kChannel);
    require_setting(s.template_first, "cart_abandon.template_first", kChannel);
    require_setting(s.template_second, "cart_abandon.template_second", kChannel);
    require_setting(s.template_language, "cart_abandon.template_language", kChannel);
    require_setting(s.cart_url, "cart_abandon.cart_url", kChannel);
    require_https(s.whatsapp_api_url, "cart_abandon.whatsapp_api_url", s.allow_insecure_http,
                  "The access token is sent to it; over plain HTTP anyone on the way could read it.");
    if (s.cart_url.find("{cart_id}") == std::string::npos)
        throw Error(ErrorKind::MissingConfiguration, "cart_abandon.cart_url has no {cart_id} placeholder",
                    "The link in each reminder is this pattern with {cart_id} replaced by the cart's id.",
                    "Example: https://shop.example/cart/recover/{cart_id}");
}

}  // namespace

void check_batch_size(long long batch_size, const char* name) {
    if (batch_size < 1 || batch_size > kMaxBatchSize)
        throw Error(ErrorKind::InvalidArgument,
                    std::string(name) + " must be between 1 and " + std::to_string(kMaxBatchSize),
                    "It was " + std::to_string(batch_size) + ".");
}

RunOptions parse_run_options(const std::string& json_text) {
    RunOptions options;
    if (json_text.empty()) return options;
    const auto parsed = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) throw Error(ErrorKind::InvalidArgument, "options are not valid JSON");
    if (parsed.is_null()) return options;
    if (!parsed.is_object())
        throw Error(ErrorKind::InvalidArgument, "options must be a JSON object", {},
                    std::string("Known options: ") + kKnownOptions + ".");

    for (const auto& [key, value] : parsed.items()) {
        if (key == "batchSize")
            options.batch_size = take_batch_size(key, value);
        else if (key == "firstNotificationDelayHours")
            options.first_delay_hours = take_hours(key, value);
        else if (key == "secondNotificationDelayHours")
            options.second_delay_hours = take_hours(key, value);
        else if (key == "enableWhatsApp")
            options.enable_whatsapp = take_bool(key, value);
        else if (key == "enableEmail")
            options.enable_email = take_bool(key, value);
        else if (key == "dryRun")
            options.dry_run = take_bool(key, value);
        else
            throw Error(ErrorKind::InvalidArgument, "unknown option \"" + key + "\"", {},
                        std::string("Known options: ") + kKnownOptions + ".");
    }
    return options;
}

RunConfig resolve_run_config(const Settings& settings, const RunOptions& options) {
    RunConfig config;
    config.batch_size = options.batch_size.value_or(settings.batch_size);
    check_batch_size(config.batch_size, "batch size");
    config.timing = settings.timing;
    if (options.first_delay_hours) config.timing.first_delay = hours_to_seconds(*options.first_delay_hours);
    if (options.second_delay_hours) config.timing.second_delay = hours_to_seconds(*options.second_delay_hours);
    config.dry_run = options.dry_run.value_or(false);
    config.whatsapp = options.enable_whatsapp.value_or(settings.enable_whatsapp);
    config.sms = settings.enable_sms;
    const bool enabled[3] = {config.whatsapp, false, config.sms};  // email: not yet
    config.channels = channel_passes(settings.channels, enabled);

    const auto& t = config.timing;
    if (t.first_delay <= std::chrono::seconds(0))
        throw Error(ErrorKind::InvalidArgument, "the first reminder delay must be greater than 0");
    if (t.second_delay <= t.first_delay)
        throw Error(ErrorKind::InvalidArgument,
                    "the second reminder delay (" + describe(t.second_delay) + ") must be greater than the first (" +
                        describe(t.first_delay) + ")",
                    {},
                    "Check cart_abandon.first_delay and cart_abandon.second_delay, or the "
                    "firstNotificationDelayHours and secondNotificationDelayHours options.");
    if (t.second_delay >= t.max_age)
        throw Error(ErrorKind::InvalidArgument,
                    "the second reminder delay (" + describe(t.second_delay) +
                        ") must be less than cart_abandon.max_age (" + describe(t.max_age) + ")",
                    "Carts idle longer than max_age are never reminded, so that stage could never be due.");

    if (options.enable_email.value_or(settings.enable_email))
        throw Error(ErrorKind::NotSupported,
                    "the email channel is not available yet (cart_abandon sends WhatsApp only)", {},
                    "Turn off cart_abandon.enable_email (or pass \"enableEmail\": false).");
    if (config.dry_run) return config;
    // Whatever the channels: a superuser's setting that would let mail travel in clear off this
    // machine is refused before anything is sent.
    resolve_smtp_plaintext(settings.smtp_url, settings.smtp_allow_plaintext);
    if (config.channels.passes.empty())
        throw Error(ErrorKind::MissingConfiguration, "every channel is disabled, so there is nothing to send", {},
                    "Enable WhatsApp (cart_abandon.enable_whatsapp or \"enableWhatsApp\": true), "
                    "or pass \"dryRun\": true to see what would be sent.");
    if (config.whatsapp) check_sending_settings(settings);
    if (config.sms) check_sms_settings(settings);
    return config;
}

}  // namespace cart_abandon
