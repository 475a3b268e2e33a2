#include <gtest/gtest.h>

#include "core/model/config.hpp"
#include "core/error.hpp"
#include "sending_settings.hpp"

using namespace cart_abandon;
using std::chrono::hours;

namespace {

std::string option_error(const std::string& json) {
    try {
        parse_run_options(json);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
        return e.what();
    }
    return "no error";
}

std::string config_error(const Settings& s, const std::string& json) {
    try {
        resolve_run_config(s, parse_run_options(json));
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(Options, AcceptsTheSeedNames) {
    const auto o =
        parse_run_options(R"({"batchSize":50,"firstNotificationDelayHours":12,"secondNotificationDelayHours":36.5,)"
                          R"("enableWhatsApp":true,"enableEmail":false,"dryRun":true})");
    EXPECT_EQ(o.batch_size, 50);
    EXPECT_DOUBLE_EQ(*o.first_delay_hours, 12);
    EXPECT_DOUBLE_EQ(*o.second_delay_hours, 36.5);
    EXPECT_TRUE(*o.enable_whatsapp);
    EXPECT_FALSE(*o.enable_email);
    EXPECT_TRUE(*o.dry_run);
}

TEST(Options, EmptyAndNullMeanNoOptions) {
    EXPECT_FALSE(parse_run_options("").dry_run.has_value());
    EXPECT_FALSE(parse_run_options("null").batch_size.has_value());
    EXPECT_FALSE(parse_run_options("{}").enable_whatsapp.has_value());
}

TEST(Options, NamesTheKeyOfEveryBadOption) {
    EXPECT_EQ(option_error(R"({"batchsize":5})"), "unknown option \"batchsize\"");
    EXPECT_EQ(option_error(R"({"batchSize":"5"})"), "option \"batchSize\" must be an integer");
    EXPECT_EQ(option_error(R"({"batchSize":1.5})"), "option \"batchSize\" must be an integer");
    EXPECT_EQ(option_error(R"({"batchSize":0})"), "option \"batchSize\" must be between 1 and 10000");
    EXPECT_EQ(option_error(R"({"batchSize":10001})"), "option \"batchSize\" must be between 1 and 10000");
    EXPECT_EQ(option_error(R"({"dryRun":"yes"})"), "option \"dryRun\" must be true or false");
    EXPECT_EQ(option_error(R"({"enableWhatsApp":1})"), "option \"enableWhatsApp\" must be true or false");
    EXPECT_EQ(option_error(R"({"firstNotificationDelayHours":"24"})"),
              "option \"firstNotificationDelayHours\" must be a number of hours");
    EXPECT_EQ(option_error(R"({"secondNotificationDelayHours":-1})"),
              "option \"secondNotificationDelayHours\" must be greater than 0 and at most 8760");
    EXPECT_EQ(option_error("[1,2]"), "options must be a JSON object");
    EXPECT_EQ(option_error("{"), "options are not valid JSON");
}

TEST(RunConfig, OptionsOverrideSettings) {
    const auto c = resolve_run_config(
        sending_settings(),
        parse_run_options(R"({"firstNotificationDelayHours":2,"secondNotificationDelayHours":5,"batchSize":7})"));
    EXPECT_EQ(c.timing.first_delay, hours(2));
    EXPECT_EQ(c.timing.second_delay, hours(5));
    EXPECT_EQ(c.batch_size, 7);
    EXPECT_FALSE(c.dry_run);
}

TEST(RunConfig, RejectsDelaysOutOfOrder) {
    EXPECT_EQ(
        config_error(sending_settings(), R"({"firstNotificationDelayHours":48,"secondNotificationDelayHours":24})"),
        "the second reminder delay (24 h) must be greater than the first (48 h)");
    EXPECT_EQ(config_error(sending_settings(), R"({"secondNotificationDelayHours":200})"),
              "the second reminder delay (200 h) must be less than cart_abandon.max_age (168 h)");
}

TEST(RunConfig, RequiresEachSendingSettingUnlessDryRun) {
    Settings s = sending_settings();
    s.whatsapp_token.clear();
    EXPECT_EQ(config_error(s, "{}"), "cart_abandon.whatsapp_token is not set");
    EXPECT_EQ(config_error(s, R"({"dryRun":true})"), "no error");
    s = sending_settings();
    s.whatsapp_phone_number_id.clear();
    EXPECT_EQ(config_error(s, "{}"), "cart_abandon.whatsapp_phone_number_id is not set");
    s = sending_settings();
    s.cart_url = "https://shop.example/cart";
    EXPECT_EQ(config_error(s, "{}"), "cart_abandon.cart_url has no {cart_id} placeholder");
    s = sending_settings();
    s.whatsapp_api_url = "ftp://graph.example";
    EXPECT_EQ(config_error(s, "{}"), "cart_abandon.whatsapp_api_url must be an https:// URL");
}

TEST(RunConfig, PlainHttpOnlyWhenASuperuserAllowsIt) {
    Settings s = sending_settings();
    s.whatsapp_api_url = "http://127.0.0.1:8080/v21.0";
    EXPECT_EQ(config_error(s, "{}"), "cart_abandon.whatsapp_api_url must be an https:// URL");
    s.allow_insecure_http = true;
    EXPECT_EQ(config_error(s, "{}"), "no error");
}

TEST(RunConfig, EmailIsNotAvailableAndSomeChannelMustBeOn) {
    EXPECT_EQ(config_error(sending_settings(), R"({"enableEmail":true})"),
              "the email channel is not available yet (cart_abandon sends WhatsApp only)");
    EXPECT_EQ(config_error(sending_settings(), R"({"enableWhatsApp":false})"),
              "every channel is disabled, so there is nothing to send");
    EXPECT_EQ(config_error(sending_settings(), R"({"enableWhatsApp":false,"dryRun":true})"), "no error");
}

TEST(BatchSize, BoundsAreInclusive) {
    EXPECT_NO_THROW(check_batch_size(1, "batch_size"));
    EXPECT_NO_THROW(check_batch_size(kMaxBatchSize, "batch_size"));
    EXPECT_THROW(check_batch_size(0, "batch_size"), Error);
    EXPECT_THROW(check_batch_size(-5, "batch_size"), Error);
    EXPECT_THROW(check_batch_size(kMaxBatchSize + 1, "batch_size"), Error);
}
