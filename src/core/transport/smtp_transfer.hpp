// One SMTP submission on a libcurl easy handle (a mail worker's, smtp_workers.hpp): its set-up (envelope,
// AUTH, TLS, the message through libcurl's MIME API) and what the transfer left behind (the
// server's replies, how far the message got). The types callers use are in mail_submission.hpp.
#pragma once

#include "core/no_postgres.hpp"

#include <curl/curl.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/transport/http_client.hpp"

namespace cart_abandon {

// Why `submission` cannot be sent as it is (a header or an address that would break the SMTP
// dialogue or the message's header section, a header the transport writes itself); "" when it can.
std::string mail_submission_problem(const MailSubmission& submission);

class SmtpTransfer {
public:
    SmtpTransfer() = default;
    ~SmtpTransfer();
    SmtpTransfer(const SmtpTransfer&) = delete;
    SmtpTransfer& operator=(const SmtpTransfer&) = delete;

    // Sets up `easy` (fresh or reset) to submit `submission` to `url`. The submission must pass
    // mail_submission_problem(); this object must outlive the transfer.
    // Only the SMTP options: HttpClient sets those every transfer shares (timeouts, CA file, ...).
    void configure(CURL* easy, const std::string& url, const MailSubmission& submission);

    // The SMTP fields of `result` (completed, status, reply, request_sent, mail_message_id) once the transfer on
    // `easy` ended with `code`; the error text, when any, is cleared of the password.
    void finish(CURL* easy, CURLcode code, HttpResult& result) const;

private:
    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user);
    void on_reply_line(const std::string& line);

    curl_mime* mime_ = nullptr;
    curl_slist* recipients_ = nullptr;
    curl_slist* headers_ = nullptr;
    std::string password_;
    std::string message_id_;  // the value of the message's Message-ID header
    std::string reading_;  // the reply being read, its lines joined by "\n"
    // The last whole replies (code, text), oldest first: libcurl answers a refusal with QUIT, whose
    // 221 must not hide the refusal that CURLINFO_RESPONSE_CODE names.
    std::vector<std::pair<long, std::string>> replies_;
    bool data_accepted_ = false;  // the server answered DATA with 354: the message went out after it
};

}  // namespace cart_abandon
