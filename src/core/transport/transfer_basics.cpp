#include "core/transport/transfer_basics.hpp"

namespace cart_abandon {

void set_basic_options(CURL* easy, const HttpClientOptions& options, char* error_buffer) {
    if (!options.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM inside a database backend
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(options.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(options.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
}

void fill_basic_result(CURL* easy, CURLcode code, const char* error_buffer, HttpResult& result) {
    result.curl_code = int(code);
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &result.new_connections);
    if (code == CURLE_OK) return;
    result.error = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    result.error_cut = result.error.size() >= CURL_ERROR_SIZE - 1;
}

}  // namespace cart_abandon
