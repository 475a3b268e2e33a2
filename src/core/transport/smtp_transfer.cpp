#include "core/transport/smtp_transfer.hpp"

#include <cctype>

#include "core/transport/redaction.hpp"

namespace cart_abandon {

namespace {

constexpr std::size_t kMaxReplies = 8;

bool names_equal(const std::string& a, const char* b) {
    std::size_t i = 0;
    for (; i < a.size() && b[i]; ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return i == a.size() && !b[i];
}

// An address as MAIL FROM and RCPT TO carry it between < and >: no control character, space or bracket.
bool usable_address(const std::string& address) {
    if (address.empty()) return false;
    for (unsigned char c : address)
        if (c <= ' ' || c == 0x7f || c == '<' || c == '>') return false;
    return true;
}

// Why a "Name: value" line cannot head the message; "" when it can. The value is 7-bit (RFC 2047
// encodes the rest), and a line break in it is a fold: CRLF then a space or tab (RFC 5322 2.2.3).
std::string header_problem(const std::string& header) {
    const std::size_t colon = header.find(':');
    if (colon == 0 || colon == std::string::npos) return "a header is not \"Name: value\"";
    const std::string name = header.substr(0, colon);
    for (unsigned char c : name)
        if (c <= ' ' || c >= 0x7f) return "a header's name has a character RFC 5322 does not allow";
    for (const char* own : {"Content-Type", "MIME-Version", "Content-Transfer-Encoding"})
        if (names_equal(name, own)) return "the header " + name + " is the transport's";
    for (std::size_t i = colon + 1; i < header.size(); ++i) {
        const unsigned char c = header[i];
        if (c >= 0x80) return "the header " + name + " is not encoded (RFC 2047)";
        if (c == '\n' || (c == '\r' && !(i + 2 < header.size() && header[i + 1] == '\n' &&
                                         (header[i + 2] == ' ' || header[i + 2] == '\t'))))
            return "the header " + name + " breaks a line other than by folding";
        if (c == '\r') ++i;  // its LF is the fold's
    }
    return "";
}

// Text in its canonical form for MIME (RFC 2046 4.1.1): every line break CRLF.
std::string crlf_lines(const std::string& text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        if (text[i] == '\r' || text[i] == '\n')
            out += "\r\n";
        else
            out += text[i];
    }
    return out;
}

// The value of the "Message-ID" header among `headers`, unfolded and trimmed; "" when none.
std::string message_id_of(const std::vector<std::string>& headers) {
    for (const auto& header : headers) {
        const std::size_t colon = header.find(':');
        if (colon == std::string::npos || !names_equal(header.substr(0, colon), "Message-ID")) continue;
        std::string value;
        for (std::size_t i = colon + 1; i < header.size(); ++i)
            if (header[i] != '\r' && header[i] != '\n' && !(value.empty() && (header[i] == ' ' || header[i] == '\t')))
                value += header[i];
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
        return value;
    }
    return "";
}

void add_part(curl_mime* mime, const std::string& content, const char* type, const char* encoder) {
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_data(part, content.data(), content.size());  // copied
    curl_mime_type(part, type);
    curl_mime_encoder(part, encoder);
}

}  // namespace

std::string mail_submission_problem(const MailSubmission& submission) {
    if (!usable_address(submission.mail_from)) return "the envelope sender is not an address";
    if (submission.recipients.empty()) return "no recipient";
    for (const auto& recipient : submission.recipients)
        if (!usable_address(recipient)) return "a recipient is not an address";
    for (const auto& header : submission.message.headers) {
        std::string problem = header_problem(header);
        if (!problem.empty()) return problem;
    }
    return "";
}

SmtpTransfer::~SmtpTransfer() {
    curl_mime_free(mime_);
    curl_slist_free_all(recipients_);
    curl_slist_free_all(headers_);
}

void SmtpTransfer::configure(CURL* easy, const std::string& url, const MailSubmission& submission) {
    password_ = submission.password;
    message_id_ = message_id_of(submission.message.headers);
    for (const auto& recipient : submission.recipients) recipients_ = curl_slist_append(recipients_, recipient.c_str());
    for (const auto& header : submission.message.headers) headers_ = curl_slist_append(headers_, header.c_str());
    // The top level is the alternative itself (not libcurl's default multipart/mixed around it);
    // libcurl adds the boundary to this header.
    headers_ = curl_slist_append(headers_, "Content-Type: multipart/alternative");

    const char* encoder = submission.message.encoding == MailBodyEncoding::Base64 ? "base64" : "quoted-printable";
    mime_ = curl_mime_init(easy);
    add_part(mime_, crlf_lines(submission.message.text), "text/plain; charset=utf-8", encoder);
    add_part(mime_, crlf_lines(submission.message.html), "text/html; charset=utf-8", encoder);

    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    // smtps:// is TLS from the start; on smtp:// a server that offers no STARTTLS is refused
    // (CURLE_USE_SSL_FAILED) rather than sent the password and the message in the clear.
    curl_easy_setopt(easy, CURLOPT_USE_SSL, long(submission.allow_plaintext ? CURLUSESSL_NONE : CURLUSESSL_ALL));
    if (!submission.username.empty()) {
        curl_easy_setopt(easy, CURLOPT_USERNAME, submission.username.c_str());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, submission.password.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, submission.mail_from.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, recipients_);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);  // SMTP: the message's top-level headers
    curl_easy_setopt(easy, CURLOPT_MIMEPOST, mime_);
    // libcurl hands every reply line of the dialogue to the header callback.
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
}

std::size_t SmtpTransfer::on_header(char* data, std::size_t size, std::size_t count, void* user) {
    std::string line(data, size * count);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    static_cast<SmtpTransfer*>(user)->on_reply_line(line);
    return size * count;
}

// A reply is lines "250-..." ending with "250 ..." (RFC 5321 4.2.1).
void SmtpTransfer::on_reply_line(const std::string& line) {
    if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
        !std::isdigit(static_cast<unsigned char>(line[1])) || !std::isdigit(static_cast<unsigned char>(line[2])))
        return;
    if (reading_.size() < kMaxReplyBytes) {
        if (!reading_.empty()) reading_ += '\n';
        reading_ += line.substr(0, kMaxReplyBytes - reading_.size());
    }
    if (line.size() > 3 && line[3] == '-') return;
    const long code = std::stol(line.substr(0, 3));
    if (code == 354) data_accepted_ = true;
    if (replies_.size() == kMaxReplies) replies_.erase(replies_.begin());
    replies_.emplace_back(code, std::move(reading_));
    reading_.clear();
}

void SmtpTransfer::finish(CURL* easy, CURLcode code, HttpResult& result) const {
    const Secrets secrets{password_};
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result.status);
    for (auto reply = replies_.rbegin(); reply != replies_.rend(); ++reply)
        if (reply->first == result.status) {
            result.reply = redact(reply->second, secrets);
            break;
        }
    result.completed = code == CURLE_OK || result.status >= 400;
    // After 354 the message goes out, then the final "." (which libcurl counts in no figure): once
    // the whole message left, the server may have taken it whatever happens next. When libcurl
    // cannot tell the encoded size (quoted-printable), any transfer past 354 counts as sent.
    curl_off_t uploaded = 0, size = -1;
    curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    curl_easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_UPLOAD_T, &size);
    result.request_sent = data_accepted_ && (size < 0 || uploaded >= size);
    result.error = redact(result.error, secrets);
    result.mail_message_id = message_id_;
}

}  // namespace cart_abandon
