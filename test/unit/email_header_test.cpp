// Header fields of an email (core/channels/email/header_encoding.hpp): ASCII untouched, the rest
// as RFC 2047 encoded-words that decode to the exact text, lines within 78 characters.
#include <gtest/gtest.h>

#include <vector>

#include "core/channels/email/header_encoding.hpp"
#include "core/codec/base64.hpp"
#include "core/error.hpp"

using namespace cart_abandon;

namespace {

std::vector<std::string> lines_of(const std::string& field) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t at; (at = field.find("\r\n", start)) != std::string::npos; start = at + 2)
        lines.push_back(field.substr(start, at - start));
    lines.push_back(field.substr(start));
    return lines;
}

// An RFC 2047 reader of UTF-8 B-words: the field unfolded, each encoded-word decoded, the white
// space between two adjacent encoded-words dropped (RFC 2047 section 6.2).
std::string decoded_value(const std::string& field) {
    std::string unfolded;
    for (const std::string& line : lines_of(field)) unfolded += line;
    std::string value = unfolded.substr(unfolded.find(':') + 2);
    std::string out, pending_space;
    bool after_word = false;
    std::size_t at = 0;
    while (at < value.size()) {
        if (value.compare(at, 10, "=?UTF-8?B?") == 0) {
            const std::size_t end = value.find("?=", at + 10);
            EXPECT_NE(end, std::string::npos);
            const auto bytes = base64_decode(value.substr(at + 10, end - at - 10));
            EXPECT_TRUE(bytes.has_value());
            if (!after_word) out += pending_space;
            pending_space.clear();
            out += bytes.value_or("");
            after_word = true;
            at = end + 2;
        } else if (value[at] == ' ') {
            pending_space += value[at++];
        } else {
            out += pending_space + value[at++];
            pending_space.clear();
            after_word = false;
        }
    }
    return out + pending_space;
}

void expect_short_lines(const std::string& field) {
    for (const std::string& line : lines_of(field)) {
        EXPECT_LE(line.size(), kMaxHeaderLine) << field;
        EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << field;
        EXPECT_NE(line.find_first_not_of(' '), std::string::npos) << field;  // no line of white space alone
    }
}

}  // namespace

TEST(EmailHeader, AsciiIsUntouched) {
    EXPECT_EQ(text_header("Subject", "Your cart is waiting, Anna!"), "Subject: Your cart is waiting, Anna!");
    EXPECT_EQ(mailbox_header("From", "Shop", "shop@example.com"), "From: Shop <shop@example.com>");
    EXPECT_EQ(mailbox_header("To", "", "anna@example.com"), "To: anna@example.com");
    EXPECT_EQ(mailbox_header("To", "Anna Smith", "anna@example.com"), "To: Anna Smith <anna@example.com>");
}

TEST(EmailHeader, AsciiNamesWithSpecialsAreQuoted) {
    EXPECT_EQ(mailbox_header("To", "Smith, Anna \"A.\" \\o/", "a@example.com"),
              "To: \"Smith, Anna \\\"A.\\\" \\\\o/\" <a@example.com>");
}

TEST(EmailHeader, NonAsciiSubjectIsEncodedAndDecodesExactly) {
    const std::string subject = "Ihr Warenkorb wartet, Jürgen 🛒";
    const std::string field = text_header("Subject", subject);
    EXPECT_EQ(field.rfind("Subject: =?UTF-8?B?", 0), 0u);
    EXPECT_TRUE(field.find("Jürgen") == std::string::npos);  // nothing raw
    EXPECT_EQ(decoded_value(field), subject);
    expect_short_lines(field);
}

TEST(EmailHeader, LongSubjectsAreFoldedUnder78Characters) {
    std::string long_subject;
    for (int i = 0; i < 12; ++i) long_subject += "Grüße aus Köln 👩‍👩‍👧 שלום ";
    long_subject += "end";
    const std::string field = text_header("Subject", long_subject);
    EXPECT_GT(lines_of(field).size(), 5u);
    expect_short_lines(field);
    for (const std::string& line : lines_of(field))
        for (std::size_t at = 0, end; (at = line.find("=?UTF-8?B?", at)) != std::string::npos; at = end) {
            end = line.find("?=", at + 10) + 2;
            EXPECT_LE(end - at, kMaxEncodedWord);
        }
    EXPECT_EQ(decoded_value(field), long_subject);

    const std::string ascii = std::string(30, 'a') + " " + std::string(30, 'b') + " " + std::string(30, 'c');
    const std::string folded = text_header("Subject", ascii);
    EXPECT_EQ(lines_of(folded).size(), 2u);
    expect_short_lines(folded);
    EXPECT_EQ(decoded_value(folded), ascii);
}

TEST(EmailHeader, ControlsCannotInjectAField) {
    const std::string field = text_header("Subject", "Hi\r\nBcc: evil@example.com");
    EXPECT_EQ(field, "Subject: Hi  Bcc: evil@example.com");
    const std::string name = mailbox_header("To", "Anna\r\nBcc: evil@example.com", "a@example.com");
    EXPECT_EQ(lines_of(name).size(), 1u);
    EXPECT_THROW(mailbox_header("To", "", "a@example.com\r\nBcc: evil@example.com"), Error);
    EXPECT_THROW(mailbox_header("To", "", "a@example.com>, evil@example.com"), Error);
    EXPECT_THROW(mailbox_header("To", "", "no-at-sign"), Error);
    EXPECT_THROW(mailbox_header("To", "", "@example.com"), Error);
    EXPECT_FALSE(is_header_safe_address("a b@example.com"));
    EXPECT_TRUE(is_header_safe_address("anna+tag@example.com"));
}

TEST(EmailHeader, TextThatLooksEncodedIsEncoded) {
    const std::string field = text_header("Subject", "=?UTF-8?B?SGk=?= is not a word of ours");
    EXPECT_EQ(field.find("SGk="), std::string::npos);
    EXPECT_EQ(decoded_value(field), "=?UTF-8?B?SGk=?= is not a word of ours");
}

TEST(EmailHeader, NonAsciiDisplayNamesAreEncodedWords) {
    const std::string name = "محمد <script>alert(1)</script> 😀";
    const std::string field = mailbox_header("To", name, "m@example.com");
    EXPECT_EQ(field.rfind("To: =?UTF-8?B?", 0), 0u);
    EXPECT_EQ(field.substr(field.size() - 16), " <m@example.com>");
    EXPECT_EQ(decoded_value(field.substr(0, field.rfind(" <") + 0)), name);
    expect_short_lines(field);
    std::string long_name;
    for (int i = 0; i < 8; ++i) long_name += "Zoë ";
    const std::string wide = mailbox_header("From", long_name + "Ünïcode Shop", std::string(40, 'x') + "@example.com");
    expect_short_lines(wide);
}
