// Retry-After in every form an answer may carry: parsed without overflow, held to 0..a day.
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "core/transport/retry_after.hpp"

using namespace cart_abandon;

namespace {

constexpr std::time_t kNow = 1780000000;  // 2026-05-28

// `seconds` after kNow as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
std::string http_date(long seconds) {
    const std::time_t at = kNow + seconds;
    std::tm utc{};
    gmtime_r(&at, &utc);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    return text;
}

}  // namespace

TEST(RetryAfter, DelaySeconds) {
    EXPECT_EQ(parse_retry_after("120", kNow), 120);
    EXPECT_EQ(parse_retry_after(" 120\r\n", kNow), 120) << "as libcurl hands the header over";
    EXPECT_EQ(parse_retry_after("0", kNow), 0);
    EXPECT_EQ(parse_retry_after("86400", kNow), 86400);
}

TEST(RetryAfter, AHugeAskIsHeldToADay) {
    for (const char* huge : {"86401", "10000000000000000", "99999999999999999999", "1e16", "1E16", "1e400",
                             "9223372036854775807", "9223372036854775808"})
        EXPECT_EQ(parse_retry_after(huge, kNow), kMaxRetryAfterSeconds) << huge;
    EXPECT_EQ(parse_retry_after(std::string(400, '9'), kNow), kMaxRetryAfterSeconds);
}

TEST(RetryAfter, NegativeIsNoWait) {
    for (const char* negative : {"-5", "-1", "-99999999999999999999", "-1e400", "-inf", "-0"})
        EXPECT_EQ(parse_retry_after(negative, kNow), 0) << negative;
}

TEST(RetryAfter, AFractionIsRoundedUp) {
    EXPECT_EQ(parse_retry_after("1.5", kNow), 2);
    EXPECT_EQ(parse_retry_after("0.001", kNow), 1);
    EXPECT_EQ(parse_retry_after(".5", kNow), 1);
    EXPECT_EQ(parse_retry_after("2.0", kNow), 2);
    EXPECT_EQ(parse_retry_after("1e-400", kNow), 0) << "beyond a double's range, tiny";
}

TEST(RetryAfter, GarbageAndEmptyAreNoRetryAfter) {
    for (const char* garbage :
         {"", "   ", "\r\n", "soon", "12abc", "120 seconds", "inf", "nan", "-nan", "+5", "0x10", "Tue", "-"})
        EXPECT_EQ(parse_retry_after(garbage, kNow), -1) << '"' << garbage << '"';
}

TEST(RetryAfter, AnHttpDateIsTheSecondsUntilIt) {
    EXPECT_EQ(parse_retry_after(http_date(90), kNow), 90) << http_date(90);
    EXPECT_EQ(parse_retry_after(" " + http_date(3600) + "\r\n", kNow), 3600);
    EXPECT_EQ(parse_retry_after(http_date(0), kNow), 0);
    EXPECT_EQ(parse_retry_after(http_date(-3600), kNow), 0) << "a past date";
    EXPECT_EQ(parse_retry_after(http_date(3 * 86400), kNow), kMaxRetryAfterSeconds);
    EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", kNow), kMaxRetryAfterSeconds);
    // RFC 9110's obsolete formats, RFC 850 and asctime, one minute after the time they name.
    const std::time_t then = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
    EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", then - 60), 60);
    EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", then - 60), 60);
}
