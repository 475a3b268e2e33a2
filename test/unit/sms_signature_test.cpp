// Twilio's X-Twilio-Signature: known vectors computed apart from this code (Python's hmac and
// base64; the first is the example of Twilio's security documentation), then every part of the
// signed text changed in turn.
#include <gtest/gtest.h>

#include <string>

#include "core/channels/sms/signature.hpp"
#include "core/error.hpp"

using namespace cart_abandon::twilio;

namespace {

const std::string kDocToken = "12345";
const std::string kDocUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
const FormFields kDocParams{{"CallSid", "CA1234567890ABCDE"},
                            {"Caller", "+12349013030"},
                            {"Digits", "1234"},
                            {"From", "+12349013030"},
                            {"To", "+18005551212"}};
const std::string kDocSignature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

const std::string kToken = "test-auth-token-0123456789abcdef";
const std::string kUrl = "https://shop.example:8443/hooks/twilio?cart_abandon_ref=cart_abandon%3A42%3A1700000000000000";
const std::string kBody =
    "MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=undelivered&To=%2B15005550006&From=%2B15005550001&"
    "ErrorCode=30003&ApiVersion=2010-04-01&AccountSid=AC0123456789abcdef0123456789abcdef";
const std::string kSignature = "yzOzBXoXIya89kjupsnmdNT3ESc=";

}  // namespace

TEST(TwilioSignature, MatchesTwilioDocumentedExample) {
    EXPECT_EQ(twilio_signature(kDocToken, kDocUrl, kDocParams), kDocSignature);
    // The parameters' order in the body does not matter: Twilio sorts them.
    FormFields reversed(kDocParams.rbegin(), kDocParams.rend());
    EXPECT_EQ(twilio_signature(kDocToken, kDocUrl, reversed), kDocSignature);
}

TEST(TwilioSignature, SignedTextIsUrlThenSortedNamesAndValues) {
    EXPECT_EQ(signed_text("https://a.example/x", {{"b", "2"}, {"a", "1"}, {"B", "3"}}),
              "https://a.example/xB3a1b2");  // byte order: upper case first
    EXPECT_EQ(signed_text("u", {{"k", "z"}, {"k", "a"}}), "ukakz");  // a name twice: by value
}

TEST(TwilioSignature, AStatusCallbackBodyVerifies) {
    EXPECT_TRUE(signature_matches(kUrl, kBody, kSignature, kToken));
    EXPECT_TRUE(signature_matches(kUrl, kBody, " " + kSignature + "\r\n", kToken));
}

TEST(TwilioSignature, EveryAlterationIsRefused) {
    // Another URL: scheme, host, port, path, query, a query parameter's order.
    EXPECT_FALSE(
        signature_matches("http://shop.example:8443/hooks/twilio?cart_abandon_ref=cart_abandon%3A42%3A1700000000000000",
                          kBody, kSignature, kToken));
    EXPECT_FALSE(
        signature_matches("https://shop.example/hooks/twilio?cart_abandon_ref=cart_abandon%3A42%3A1700000000000000",
                          kBody, kSignature, kToken));
    EXPECT_FALSE(signature_matches("https://shop.example:8443/hooks/twilio", kBody, kSignature, kToken));
    EXPECT_FALSE(signature_matches(kUrl + "&x=1", kBody, kSignature, kToken));
    // A parameter's value, a parameter added, one taken away.
    std::string altered = kBody;
    altered.replace(altered.find("30003"), 5, "30005");
    EXPECT_FALSE(signature_matches(kUrl, altered, kSignature, kToken));
    EXPECT_FALSE(signature_matches(kUrl, kBody + "&Extra=1", kSignature, kToken));
    EXPECT_FALSE(signature_matches(kUrl, kBody.substr(0, kBody.find("&AccountSid")), kSignature, kToken));
    // Another token, no token.
    EXPECT_FALSE(signature_matches(kUrl, kBody, kSignature, kToken + "x"));
    EXPECT_FALSE(signature_matches(kUrl, kBody, kSignature, ""));
    // A malformed or truncated header, another encoding of a digest.
    EXPECT_FALSE(signature_matches(kUrl, kBody, "", kToken));
    EXPECT_FALSE(signature_matches(kUrl, kBody, kSignature.substr(0, 20), kToken));
    EXPECT_FALSE(signature_matches(kUrl, kBody, "sha1=" + kSignature, kToken));
    EXPECT_FALSE(signature_matches(kUrl, kBody, kDocSignature, kToken));
}

TEST(TwilioSignature, ReorderedBodyStillVerifies) {
    // Twilio signs the parameters, not the bytes: the same pairs in another order verify.
    const std::string reordered =
        "AccountSid=AC0123456789abcdef0123456789abcdef&ApiVersion=2010-04-01&ErrorCode=30003&From=%2B15005550001&"
        "To=%2B15005550006&MessageStatus=undelivered&MessageSid=SM0123456789abcdef0123456789abcdef";
    EXPECT_TRUE(signature_matches(kUrl, reordered, kSignature, kToken));
    // '+' and %20 are both a space; a literal '+' is %2B.
    EXPECT_FALSE(signature_matches(kUrl,
                                   reordered.substr(0, reordered.find("To=")) + "To=+15005550006&" +
                                       reordered.substr(reordered.find("MessageStatus")),
                                   kSignature, kToken));
}

TEST(TwilioSignature, EmptyTokenThrowsWithoutNamingIt) {
    EXPECT_THROW(twilio_signature("", kUrl, {}), cart_abandon::Error);
}
