// Provider text that echoes a secret: redacted on the whole text before any cut, in every form
// an echo may take, and never leaving the secret's first characters at a cut. Each surface the
// core records is checked with the secret at every position of texts of every length around
// its cut.
#include <gtest/gtest.h>

#include <curl/curl.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/transport/redaction.hpp"
#include "core/channels/whatsapp/webhook.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"
#include "webhook_samples.hpp"

using namespace cart_abandon;
using nlohmann::json;

namespace {

// 21 characters, as the token that leaked 17 of them; '/', '+' and '=' change when encoded.
const std::string kToken = "EAAGz/0+9=Qk7-w_Tq1Ab";
// Neither starts with a character of "[redacted]": a cut inside that marker keeps it (a cut text
// loses an end that could begin a secret, even by chance).
const std::string kAppSecret = "0ffee/app+secret=42c";
const Secrets kSecrets = {kToken, kAppSecret};
constexpr char kFiller = '#';  // in no form of either secret, nor in "..."

std::string percent_encoded(const std::string& text) {
    char* escaped = curl_easy_escape(nullptr, text.c_str(), int(text.size()));
    std::string out(escaped);
    curl_free(escaped);
    return out;
}

// The hex digits of every %XX in lower case, as some encoders write them.
std::string lower_case_hex(std::string text) {
    for (std::size_t at = text.find('%'); at != std::string::npos; at = text.find('%', at + 1))
        for (std::size_t i = at + 1; i < at + 3 && i < text.size(); ++i)
            text[i] = char(std::tolower(static_cast<unsigned char>(text[i])));
    return text;
}

// As a serializer that escapes '/' writes it inside a JSON string (PHP's json_encode, Meta's).
std::string json_escaped(const std::string& text) {
    std::string out;
    for (char c : text) out += c == '/' ? std::string("\\/") : std::string(1, c);
    return out;
}

std::string unicode_escaped(const std::string& text) {
    std::string out;
    char unit[8];
    for (char c : text) {
        snprintf(unit, sizeof unit, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
        out += unit;
    }
    return out;
}

// Every form of the token the tests echo, by name.
std::vector<std::pair<std::string, std::string>> token_forms() {
    return {{"as is", kToken},
            {"percent-encoded", percent_encoded(kToken)},
            {"percent-encoded, lower-case hex", lower_case_hex(percent_encoded(kToken))},
            {"JSON-escaped", json_escaped(kToken)},
            {"\\u-escaped", unicode_escaped(kToken)},
            {"mixed", "EAAGz%2f0\\u002b9%3DQk7-w_Tq1Ab"}};
}

// What a text of `before` filler, the secret, and `after` filler must become: the secret
// replaced, then cut to `max_bytes` with "...".
std::string expected(std::size_t before, std::size_t after, std::size_t max_bytes) {
    const std::string ideal = std::string(before, kFiller) + kRedacted + std::string(after, kFiller);
    return ideal.size() <= max_bytes ? ideal : ideal.substr(0, max_bytes - 3) + "...";
}

// Calls check(form name, before, after) for every text of filler around `form` whose length
// runs from the form's own to past the cut of a `max_bytes` surface, the form at every position.
template <typename Check>
void every_length_and_position(const std::string& form, std::size_t max_bytes, Check check) {
    const std::size_t longest = max_bytes + form.size() + 4;
    for (std::size_t length = form.size(); length <= longest; ++length)
        for (std::size_t before = 0; before + form.size() <= length; ++before)
            check(before, length - form.size() - before);
}

// The same for a surface, which parses what it records: every length, the form at the start, in
// the middle and at the end; and for lengths near the cut, every position from wholly before
// the cut to wholly after it (straddling each byte of it).
template <typename Check>
void every_length_and_around_the_cut(const std::string& form, std::size_t max_bytes, Check check) {
    const std::size_t longest = max_bytes + form.size() + 4;
    for (std::size_t length = form.size(); length <= longest; ++length) {
        const std::size_t room = length - form.size();
        for (const std::size_t before : {std::size_t(0), room / 2, room}) check(before, room - before);
        if (length + 16 < max_bytes) continue;
        const std::size_t first = max_bytes - std::min(max_bytes, form.size() + 16);
        for (std::size_t before = first; before <= std::min(room, max_bytes + 3); ++before)
            check(before, room - before);
    }
}

std::string error_answer(const std::string& message) {
    return json{{"error", {{"message", message}, {"type", "OAuthException"}, {"code", 190}}}}.dump();
}

}  // namespace

TEST(Redact, EveryOccurrenceInEveryForm) {
    EXPECT_EQ(redact("a TOKEN b TOKEN", {"TOKEN"}), "a [redacted] b [redacted]");
    EXPECT_EQ(redact("nothing", {""}), "nothing");
    EXPECT_EQ(redact("TOKENTOKEN", {"TOKEN"}), "[redacted][redacted]");
    for (const auto& [name, form] : token_forms())
        EXPECT_EQ(redact("Bearer " + form + " rejected", kSecrets), "Bearer [redacted] rejected") << name;
    EXPECT_EQ(redact("url?appsecret=" + percent_encoded(kAppSecret), kSecrets), "url?appsecret=[redacted]");
    EXPECT_EQ(redact("a b", {"a b"}), "[redacted]");
    EXPECT_EQ(redact("a+b and a%20b", {"a b"}), "[redacted] and [redacted]") << "form encoding";
}

TEST(Redact, TellsWhetherATextHoldsASecret) {
    EXPECT_TRUE(holds_secret("wamid." + percent_encoded(kToken), kSecrets));
    EXPECT_FALSE(holds_secret("wamid.HBgLMTY1", kSecrets));
    EXPECT_FALSE(holds_secret("EAAGz/0+9=Qk7-w_Tq1A", kSecrets)) << "all but the last character";
    EXPECT_FALSE(holds_secret("anything", {}));
}

TEST(Recordable, TheSecretAtEveryPositionOfEveryLengthLeavesNothing) {
    for (const auto& [name, form] : token_forms())
        every_length_and_position(
            form, kMaxErrorText, [&, &name = name, &form = form](std::size_t before, std::size_t after) {
                const std::string text = std::string(before, kFiller) + form + std::string(after, kFiller);
                ASSERT_EQ(recordable(text, kSecrets, kMaxErrorText), expected(before, after, kMaxErrorText))
                    << name << ", " << before << " bytes before it, " << after << " after";
            });
}

TEST(Recordable, ACutNeverEndsInTheFirstCharactersOfASecret) {
    // A text that holds only the start of a secret, cut inside it (by its source or by this cut).
    for (const auto& [name, form] : token_forms()) {
        for (std::size_t kept = 1; kept < form.size(); ++kept) {
            const std::string start = form.substr(0, kept);
            EXPECT_EQ(recordable(std::string(40, kFiller) + start, kSecrets, 300, /*cut_before=*/true),
                      std::string(40, kFiller))
                << name << ": " << start;
            // This cut (at 297, before "...") falls after each of its characters in turn.
            for (std::size_t before_cut = 1; before_cut <= kept; ++before_cut)
                ASSERT_EQ(
                    recordable(std::string(297 - before_cut, kFiller) + start + std::string(20, 'x'), kSecrets, 300),
                    std::string(297 - before_cut, kFiller) + "...")
                    << name << ": " << start << ", " << before_cut << " of it before the cut";
        }
    }
    EXPECT_EQ(recordable("ends in E", kSecrets, 300), "ends in E") << "an uncut text is whole";
    EXPECT_EQ(recordable("xyx", {"xyz"}, 300, true), "") << "what a removal leaves is checked again";
}

TEST(Recordable, CutsOnACharacter) {
    std::string text(296, kFiller);
    text += "\xe2\x82\xac\xe2\x82\xac";  // € € across the cut at 297
    EXPECT_EQ(recordable(text, kSecrets, 300), std::string(296, kFiller) + "...");
}

TEST(RecordedSurfaces, AnErrorAnswerEchoingTheTokenAnywhere) {
    for (const auto& [name, form] : token_forms()) {
        every_length_and_around_the_cut(
            form, kMaxErrorText, [&, &name = name, &form = form](std::size_t before, std::size_t after) {
                const std::string message = std::string(before, kFiller) + form + std::string(after, kFiller);
                const auto outcome = classify_response(401, error_answer(message), kSecrets);
                ASSERT_EQ(outcome.error_text, expected(before, after, kMaxErrorText)) << name << " at " << before;
                ASSERT_EQ(channel_pause_reason(190, outcome.error_text),
                          "channel paused by error 190: " + expected(before, after, kMaxErrorText));
            });
    }
}

TEST(RecordedSurfaces, AnAcceptanceEchoingTheToken) {
    const std::string answer =
        json{{"contacts", {{{"wa_id", "49" + kToken}}}},
             {"messages",
              {{{"id", "wamid." + percent_encoded(kToken)}, {"message_status", std::string(290, kFiller) + kToken}}}}}
            .dump();
    const auto outcome = classify_response(200, answer, kSecrets);
    EXPECT_EQ(outcome.kind, OutcomeKind::Unknown) << "an id holding the token is no id";
    EXPECT_EQ(outcome.provider_recipient_id, "");
    const std::string paced =
        json{{"messages", {{{"id", "wamid.1"}, {"message_status", std::string(290, kFiller) + kToken}}}}}.dump();
    EXPECT_EQ(classify_response(200, paced, kSecrets).message_status, expected(290, 0, kMaxErrorText));
}

TEST(RecordedSurfaces, LibcurlsMessageCutInsideTheToken) {
    // libcurl's error buffer holds 255 bytes: a message echoing the token may end inside it.
    for (std::size_t before = 0; before + 1 < CURL_ERROR_SIZE; ++before) {
        const std::string error = (std::string(before, kFiller) + kToken).substr(0, CURL_ERROR_SIZE - 1);
        for (const bool sent : {false, true}) {
            const auto outcome = classify_transport_failure(error, sent, kSecrets, error.size() == CURL_ERROR_SIZE - 1);
            const std::string lead = sent ? "no complete answer after the request was sent: " : "request not sent: ";
            // After the lead: the filler, then "[redacted]" if the whole token was there, cut anywhere.
            const bool whole = before + kToken.size() <= CURL_ERROR_SIZE - 1;
            const std::string ideal = std::string(before, kFiller) + (whole ? kRedacted : "");
            ASSERT_LE(outcome.error_text.size(), kMaxErrorText);
            ASSERT_EQ(outcome.error_text.rfind(lead, 0), 0u);
            std::string rest = outcome.error_text.substr(lead.size());
            if (rest.size() >= 3 && rest.compare(rest.size() - 3, 3, "...") == 0) rest.resize(rest.size() - 3);
            ASSERT_EQ(ideal.substr(0, rest.size()), rest) << before << (sent ? ", sent" : "");
        }
    }
}

TEST(RecordedSurfaces, AFailedStatusWebhookEchoingASecretAnywhere) {
    using webhook_samples::envelope;
    for (const std::string& secret : {kToken, json_escaped(kAppSecret)}) {
        every_length_and_around_the_cut(secret, kMaxWebhookErrorText, [&](std::size_t before, std::size_t after) {
            json item = webhook_samples::status_item("failed");
            const std::string title = std::string(before, kFiller) + secret + std::string(after, kFiller);
            item["errors"] = json::array({{{"code", 131000}, {"title", title}}});
            const auto batch = parse_webhook(envelope("messages", {{"statuses", {item}}}), kSecrets);
            ASSERT_EQ(batch.statuses.at(0).error_text, expected(before, after, kMaxWebhookErrorText)) << before;
        });
    }
}

TEST(RecordedSurfaces, AWebhookIdHoldingASecretIsNoId) {
    json item = webhook_samples::status_item("read");
    item["id"] = "wamid." + kAppSecret;
    const auto batch = parse_webhook(webhook_samples::envelope("messages", {{"statuses", {item}}}), kSecrets);
    EXPECT_EQ(batch.statuses.size(), 0u);
    EXPECT_EQ(batch.ignored, 1);
}

TEST(RecordedSurfaces, ARefusedWebhookQuotesNoSecret) {
    // The refusal quotes at most 40 bytes of the body's "object".
    for (std::size_t before = 0; before <= 45; ++before) {
        const std::string body =
            json{{"object", std::string(before, kFiller) + kAppSecret + "..."}, {"entry", json::array()}}.dump();
        try {
            parse_webhook(body, kSecrets);
            FAIL() << "refused";
        } catch (const Error& e) {
            const std::string message = e.what();
            const std::string quoted =
                message.substr(message.find('"') + 1, message.find("\", not") - message.find('"') - 1);
            EXPECT_EQ(quoted, recordable(std::string(before, kFiller) + kRedacted + "...", {}, 40)) << before;
        }
    }
}
