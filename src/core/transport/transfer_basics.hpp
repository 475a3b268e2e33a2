// What every libcurl transfer of HttpClient shares, HTTP on its multi handle or SMTP on a
// worker's easy handle: the options that HttpClientOptions sets, and the result's first fields.
#pragma once

#include "core/no_postgres.hpp"

#include <curl/curl.h>

#include "core/transport/http_client.hpp"

namespace cart_abandon {

// Timeouts, the CA file, no signals, TCP keep-alive, and libcurl's messages into `error_buffer`
// (CURL_ERROR_SIZE bytes, which must outlive the transfer).
void set_basic_options(CURL* easy, const HttpClientOptions& options, char* error_buffer);

// curl_code, new_connections and, when the transfer failed, error and error_cut.
void fill_basic_result(CURL* easy, CURLcode code, const char* error_buffer, HttpResult& result);

}  // namespace cart_abandon
