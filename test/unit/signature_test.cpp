#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "core/error.hpp"
#include "core/channels/whatsapp/signature.hpp"
#include "signature_header.hpp"

using namespace cart_abandon;

namespace {

// Computed with `printf '%s' "$body" | openssl dgst -sha256 -hmac 'meta-app-secret'`.
const std::string kBody = R"({"object":"whatsapp_business_account","entry":[]})";
const std::string kSecret = "meta-app-secret";
const std::string kHex = "ee9f05f989bc0aa2693d85691a477f8b8403933cde7959a1c5c6be7ea85e8d3d";

std::string upper(std::string text) {
    for (char& c : text) c = char(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

TEST(Signature, Rfc4231TestCase2) {
    EXPECT_EQ(signature_header("what do ya want for nothing?", "Jefe"),
              "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Signature, HeaderIsLowerCaseHexOfTheKnownVector) {
    EXPECT_EQ(signature_header(kBody, kSecret), "sha256=" + kHex);
    EXPECT_TRUE(signature_matches(kBody, "sha256=" + kHex, kSecret));
}

TEST(Signature, AcceptsUpperAndMixedCaseHexAndSurroundingWhiteSpace) {
    EXPECT_TRUE(signature_matches(kBody, "sha256=" + upper(kHex), kSecret));
    EXPECT_TRUE(signature_matches(kBody, "sha256=" + upper(kHex.substr(0, 32)) + kHex.substr(32), kSecret));
    EXPECT_TRUE(signature_matches(kBody, "  sha256=" + kHex + "\r\n", kSecret));
    EXPECT_TRUE(signature_matches(kBody, "\tsha256=" + kHex + " ", kSecret));
}

TEST(Signature, WrongSecretDoesNotMatch) {
    EXPECT_FALSE(signature_matches(kBody, "sha256=" + kHex, "meta-app-secreT"));
    EXPECT_FALSE(signature_matches(kBody, "sha256=" + kHex, kSecret + " "));
}

TEST(Signature, AnyChangedByteOfTheBodyDoesNotMatch) {
    const std::string header = "sha256=" + kHex;
    for (std::size_t i = 0; i < kBody.size(); ++i) {
        std::string changed = kBody;
        changed[i] = char(changed[i] ^ 0x01);
        EXPECT_FALSE(signature_matches(changed, header, kSecret)) << "byte " << i;
    }
    EXPECT_FALSE(signature_matches(kBody + " ", header, kSecret)) << "a byte more";
    EXPECT_FALSE(signature_matches(kBody.substr(1), header, kSecret)) << "a byte less";
}

TEST(Signature, AnyChangedHexDigitDoesNotMatch) {
    for (std::size_t i = 0; i < kHex.size(); ++i) {
        std::string hex = kHex;
        hex[i] = hex[i] == '0' ? '1' : '0';
        EXPECT_FALSE(signature_matches(kBody, "sha256=" + hex, kSecret)) << "digit " << i;
    }
}

TEST(Signature, MalformedHeadersAreFalseNotThrown) {
    for (const std::string& header :
         {std::string(), std::string("   "), kHex, "sha1=" + kHex, "SHA256=" + kHex, "sha256:" + kHex,
          "sha256 =" + kHex, "sha256= " + kHex, "sha256=" + kHex.substr(1), "sha256=" + kHex.substr(0, 62),
          "sha256=" + kHex + "0", "sha256=" + kHex + kHex, "sha256=" + kHex.substr(0, 63) + "g",
          "sha256=" + kHex.substr(0, 32) + " " + kHex.substr(32), "sha256=" + kHex + ",sha256=" + kHex,
          std::string("sha256=\0", 8) + kHex}) {
        bool matched = true;
        EXPECT_NO_THROW(matched = signature_matches(kBody, header, kSecret)) << header;
        EXPECT_FALSE(matched) << header;
    }
}

TEST(Signature, EmptySecretNeverMatches) {
    // HMAC with an empty key is well defined (this is it, from Python's hmac); it is still refused.
    const std::string empty_key_hex = "704eb71c28bbe7c091ca5b8f9446c2bceec023435f33ff17e7fb9634d46333bc";
    EXPECT_FALSE(signature_matches(kBody, "sha256=" + empty_key_hex, ""));
    EXPECT_FALSE(signature_matches(kBody, "sha256=" + kHex, ""));
    try {
        signature_header(kBody, "");
        FAIL() << "an empty secret must not yield a header";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
    }
}

TEST(Signature, CoversTheExactBytesNulAndInvalidUtf8Included) {
    const std::string body("a\0b\xff", 4);
    const std::string header = signature_header(body, kSecret);
    EXPECT_TRUE(signature_matches(body, header, kSecret));
    EXPECT_FALSE(signature_matches("a", header, kSecret));
    EXPECT_NE(header, signature_header(std::string("a\0c\xff", 4), kSecret));
}

TEST(Signature, SecretBytesMatterAndLongSecretsWork) {
    const std::string long_secret(1000, 'k');  // longer than a SHA-256 block: hashed first
    EXPECT_TRUE(signature_matches(kBody, signature_header(kBody, long_secret), long_secret));
    EXPECT_FALSE(signature_matches(kBody, signature_header(kBody, long_secret), long_secret.substr(1)));
    EXPECT_NE(signature_header(kBody, "K"), signature_header(kBody, "k"));
}

TEST(AppSecretProof, IsHexHmacSha256OfTheTokenKeyedWithTheSecret) {
    // Python: hmac.new(b"app-secret-0123", b"EAAGtoken", hashlib.sha256).hexdigest()
    EXPECT_EQ(appsecret_proof("EAAGtoken", "app-secret-0123"),
              "6265e0d92c461c6d2e6ea46a7d5fd78e0ec2964d0edc0a374bfef281c34bbd3b");
    EXPECT_NE(appsecret_proof("EAAGtoken", "app-secret-0124"), appsecret_proof("EAAGtoken", "app-secret-0123"));
    try {
        appsecret_proof("EAAGtoken", "");
        FAIL() << "an empty secret must not yield a proof";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
        EXPECT_EQ(std::string(e.what()).find("EAAG"), std::string::npos) << "never the token";
    }
}
