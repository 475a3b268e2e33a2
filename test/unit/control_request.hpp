// A call to a test server's control API (the WhatsApp stand-in's, the SMTP sink's /_control/...):
// the answer's JSON.
#pragma once

#include <curl/curl.h>

#include <nlohmann/json.hpp>
#include <string>

namespace test_support {

inline nlohmann::json control_request(const std::string& url, const std::string& method,
                                      const nlohmann::json& body = nullptr) {
    CURL* easy = curl_easy_init();
    std::string answer, payload = body.dump();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST") curl_easy_setopt(easy, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(
        easy, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* u) {
            static_cast<std::string*>(u)->append(d, s * n);
            return s * n;
        });
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &answer);
    curl_easy_perform(easy);
    curl_easy_cleanup(easy);
    return nlohmann::json::parse(answer);
}

}  // namespace test_support
