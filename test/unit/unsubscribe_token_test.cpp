// The one-click unsubscribe token (core/channels/email/unsubscribe_token.hpp).
#include <gtest/gtest.h>

#include "core/channels/email/unsubscribe_token.hpp"
#include "core/codec/base64.hpp"
#include "core/error.hpp"

using namespace cart_abandon;

namespace {

const std::string kKey(32, 'k');
constexpr std::int64_t kNow = 1'800'000'000;

UnsubscribeClaim claim(const std::string& address = "anna@example.com", std::int64_t expires = kNow + 3600) {
    return {"email", address, expires};
}

TokenCheck check(const std::string& token, const std::string& key = kKey, std::int64_t now = kNow) {
    return verify_unsubscribe_token(key, token, now).check;
}

// The token's payload part re-encoded from `payload` (standard base64 made base64url).
std::string encode_part(const std::string& bytes) {
    std::string text = base64_encode(bytes);
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return text;
}

}  // namespace

TEST(UnsubscribeToken, RoundTripsItsClaim) {
    const std::string token = sign_unsubscribe_token(kKey, claim("ånna+tag@exämple.com"));
    EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
              std::string::npos);  // safe in a URL as it is
    const TokenVerdict verdict = verify_unsubscribe_token(kKey, token, kNow);
    EXPECT_EQ(verdict.check, TokenCheck::Valid);
    EXPECT_EQ(verdict.claim.kind, "email");
    EXPECT_EQ(verdict.claim.address, "ånna+tag@exämple.com");
    EXPECT_EQ(verdict.claim.expires_at, kNow + 3600);
}

TEST(UnsubscribeToken, ExpiresAtItsSecond) {
    const std::string token = sign_unsubscribe_token(kKey, claim());
    EXPECT_EQ(check(token, kKey, kNow + 3599), TokenCheck::Valid);
    EXPECT_EQ(check(token, kKey, kNow + 3600), TokenCheck::Expired);
    const TokenVerdict late = verify_unsubscribe_token(kKey, token, kNow + 99999);
    EXPECT_EQ(late.check, TokenCheck::Expired);
    EXPECT_EQ(late.claim.address, "anna@example.com");
}

TEST(UnsubscribeToken, AnotherKeysTokenIsForged) {
    const std::string token = sign_unsubscribe_token(std::string(32, 'x'), claim());
    EXPECT_EQ(check(token), TokenCheck::Forged);
    // An expired forgery is still a forgery: the MAC is checked first.
    EXPECT_EQ(check(sign_unsubscribe_token(std::string(32, 'x'), claim("a@b.c", kNow - 5))), TokenCheck::Forged);
}

TEST(UnsubscribeToken, AlteredPayloadOrMacIsForged) {
    const std::string token = sign_unsubscribe_token(kKey, claim());
    const std::string mac = token.substr(token.find('.') + 1);
    // Another address, a later expiry: well formed, with the original MAC.
    const std::string other = encode_part("1\nemail\n" + std::to_string(kNow + 3600) + "\nbob@example.com");
    EXPECT_EQ(check(other + "." + mac), TokenCheck::Forged);
    const std::string later = encode_part("1\nemail\n" + std::to_string(kNow + 999999) + "\nanna@example.com");
    EXPECT_EQ(check(later + "." + mac), TokenCheck::Forged);
    std::string flipped = token;
    flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_EQ(check(flipped), TokenCheck::Forged);
}

TEST(UnsubscribeToken, MalformedTokensAreRefusedAsSuch) {
    const std::string token = sign_unsubscribe_token(kKey, claim());
    const std::string payload = token.substr(0, token.find('.'));
    const std::string mac = token.substr(token.find('.') + 1);
    for (const std::string& bad : {
             std::string(),
             std::string("."),
             payload,  // no MAC
             token + ".x",  // three parts
             payload + "." + mac.substr(0, 20),  // a short MAC
             payload + "=." + mac,  // padding
             payload + "." + mac + "=",
             std::string("a+b/." + mac),  // the standard alphabet
             payload + "!." + mac,
             encode_part("2\nemail\n1\na@b.c") + "." + mac,  // another version
             encode_part("1\nemail\n01\na@b.c") + "." + mac,  // a leading zero
             encode_part("1\nemail\n-5\na@b.c") + "." + mac,
             encode_part("1\nemail\n1\n") + "." + mac,  // no address
             encode_part("1\nemail\n1") + "." + mac,  // three fields
             std::string(kMaxUnsubscribeToken + 1, 'A'),
         })
        EXPECT_EQ(check(bad), TokenCheck::Malformed) << bad;
    EXPECT_STREQ(token_check_name(TokenCheck::Malformed), "malformed");
}

TEST(UnsubscribeToken, RefusesShortKeysAndUnsignableClaims) {
    EXPECT_THROW(sign_unsubscribe_token(std::string(31, 'k'), claim()), Error);
    EXPECT_THROW(verify_unsubscribe_token("", "x.y", kNow), Error);
    EXPECT_THROW(sign_unsubscribe_token(kKey, claim("a@b.c\nemail")), Error);
    EXPECT_THROW(sign_unsubscribe_token(kKey, claim("")), Error);
    EXPECT_THROW(sign_unsubscribe_token(kKey, {"", "a@b.c", kNow}), Error);
    try {
        sign_unsubscribe_token("short-secret", claim("secret@example.com"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).find("short-secret"), std::string::npos);
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
    }
}
