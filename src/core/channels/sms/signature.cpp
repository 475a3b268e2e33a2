#include "core/channels/sms/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <climits>
#include <string_view>

#include "core/codec/base64.hpp"
#include "core/error.hpp"

namespace cart_abandon::twilio {

namespace {

constexpr unsigned kSha1Bytes = 20;
constexpr std::string_view kSpace = " \t\r\n";

std::string hmac_sha1(const std::string& key, const std::string& data) {
    if (key.empty() || key.size() > std::size_t(INT_MAX))
        throw Error(ErrorKind::InvalidArgument, "the Twilio auth token is empty");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha1(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
              digest, &length) ||
        length != kSha1Bytes)
        throw Error(ErrorKind::Internal, "HMAC-SHA1 failed");
    return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

std::string signed_text(const std::string& url, const FormFields& parameters) {
    FormFields sorted = parameters;
    std::sort(sorted.begin(), sorted.end());  // by name, then value: std::string compares bytes
    std::string text = url;
    for (const auto& [name, value] : sorted) text.append(name).append(value);
    return text;
}

std::string twilio_signature(const std::string& auth_token, const std::string& url, const FormFields& parameters) {
    return base64_encode(hmac_sha1(auth_token, signed_text(url, parameters)));
}

bool signature_matches(const std::string& url, const std::string& body, const std::string& header,
                       const std::string& auth_token) {
    std::string_view claimed_text = header;
    const auto first = claimed_text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return false;
    claimed_text = claimed_text.substr(first, claimed_text.find_last_not_of(kSpace) - first + 1);
    const auto claimed = base64_decode(std::string(claimed_text));
    if (!claimed || claimed->size() != kSha1Bytes) return false;
    try {
        const std::string expected = hmac_sha1(auth_token, signed_text(url, form_decode(body)));
        return CRYPTO_memcmp(claimed->data(), expected.data(), kSha1Bytes) == 0;
    } catch (const Error&) {
        return false;
    } catch (const std::bad_alloc&) {
        return false;
    }
}

}  // namespace cart_abandon::twilio
