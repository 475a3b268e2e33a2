#include "core/channels/sms/form.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <new>

#include "core/codec/percent.hpp"
#include "core/error.hpp"

namespace cart_abandon::twilio {

namespace {

// libcurl's escape functions take an int length (0 meaning strlen): longer texts go in pieces.
constexpr std::size_t kPiece = 1 << 30;

std::string percent_decode(std::string text) {
    std::replace(text.begin(), text.end(), '+', ' ');
    if (text.size() >= kPiece) throw Error(ErrorKind::InvalidArgument, "a form value longer than 1 GiB");
    int length = 0;
    char* decoded = curl_easy_unescape(nullptr, text.data(), int(text.size()), &length);
    if (!decoded) throw std::bad_alloc();
    std::string out(decoded, std::size_t(length));
    curl_free(decoded);
    return out;
}

}  // namespace

std::string form_encode(const FormFields& fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
        if (!body.empty()) body += '&';
        body += percent_encode(name);
        body += '=';
        body += percent_encode(value);
    }
    return body;
}

FormFields form_decode(std::string_view body) {
    FormFields fields;
    std::size_t at = 0;
    while (at <= body.size()) {
        const std::size_t end = std::min(body.find('&', at), body.size());
        const std::string_view pair = body.substr(at, end - at);
        if (!pair.empty()) {
            const std::size_t equals = pair.find('=');
            fields.emplace_back(percent_decode(std::string(pair.substr(0, equals))),
                                equals == std::string_view::npos
                                    ? std::string()
                                    : percent_decode(std::string(pair.substr(equals + 1))));
        }
        at = end + 1;
    }
    return fields;
}

const std::string* form_value(const FormFields& fields, std::string_view name) {
    for (const auto& field : fields)
        if (field.first == name) return &field.second;
    return nullptr;
}

}  // namespace cart_abandon::twilio
