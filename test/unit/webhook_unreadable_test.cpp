// A signed body with items no reader can keep: the readable ones are read, the others reported
// by path and a fixed reason. Written as raw text: these bodies are not what a JSON library
// writes (a lone surrogate, bytes that are not UTF-8).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/codec/string_defects.hpp"
#include "core/channels/whatsapp/webhook.hpp"
#include "webhook_samples.hpp"

using namespace cart_abandon;

namespace {

std::string status(const std::string& wamid, const std::string& recipient = "4915112345678") {
    return R"({"id":")" + wamid + R"(","status":"delivered","timestamp":"1750263780","recipient_id":")" + recipient +
           "\"}";
}

// One change of field "messages" holding these raw statuses and messages.
std::string body(const std::vector<std::string>& statuses, const std::vector<std::string>& messages = {}) {
    auto joined = [](const std::vector<std::string>& items) {
        std::string out;
        for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
        return out;
    };
    return R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{)"
           R"("metadata":{"phone_number_id":"106"},"statuses":[)" +
           joined(statuses) + R"(],"messages":[)" + joined(messages) + "]}}]}]}";
}

const char* kNul = "a string holds a NUL (\\u0000)";
const char* kSurrogate = "a string holds an unpaired UTF-16 surrogate escape";
const char* kNotUtf8 = "a string holds bytes that are not UTF-8";
const char* kControl = "a string holds an unescaped control character";

std::string item_path(int index, const char* kind = "statuses") {
    return std::string("entry[0].changes[0].value.") + kind + "[" + std::to_string(index) + "]";
}

}  // namespace

TEST(WebhookUnreadable, EachBadStringCostsOnlyItsItem) {
    const std::vector<std::pair<std::string, const char*>> bad = {
        {status("wamid.nul", "49151\\u00001"), kNul},
        {status("wamid.high\\ud800"), kSurrogate},
        {status("wamid.low\\udc00"), kSurrogate},
        {status("wamid.reversed\\udc00\\ud800"), kSurrogate},
        {status("wamid.half\\ud83d\\u0041"), kSurrogate},
        {status("wamid.end\\uD800"), kSurrogate},
        {status("wamid.ff\xff"), kNotUtf8},
        {status("wamid.cut\xe2\x82"), kNotUtf8},
        {status("wamid.overlong\xc0\xaf"), kNotUtf8},
        {status("wamid.surrogate_bytes\xed\xa0\x80"), kNotUtf8},
        {status("wamid.tab\x01"), kControl},
    };
    for (const auto& [item, reason] : bad) {
        const WebhookBatch batch = parse_webhook(body({status("wamid.good1"), item, status("wamid.good2")}), {});
        ASSERT_EQ(batch.statuses.size(), 2u) << item;
        EXPECT_EQ(batch.statuses[0].wamid, "wamid.good1");
        EXPECT_EQ(batch.statuses[1].wamid, "wamid.good2");
        ASSERT_EQ(batch.unreadable.size(), 1u) << item;
        EXPECT_EQ(batch.unreadable[0].path, item_path(1)) << item;
        EXPECT_EQ(batch.unreadable[0].reason, reason) << item;
        EXPECT_EQ(batch.ignored, 0);
        EXPECT_EQ(batch.updates(), 3u);
    }
}

TEST(WebhookUnreadable, APairedSurrogateAndOtherEscapesAreReadable) {
    const std::string stop =
        R"({"from":"4915112345678","id":"wamid.IN","type":"text","text":{"body":"STOP \ud83d\ude4f"}})";
    const WebhookBatch batch = parse_webhook(body({status(R"(wamid.\u0041\/\u00e9\"\\)")}, {stop}), {});
    ASSERT_EQ(batch.statuses.size(), 1u);
    EXPECT_EQ(batch.statuses[0].wamid, "wamid.A/\u00e9\"\\");
    EXPECT_EQ(batch.opt_outs.size(), 1u) << "the emoji's pair is whole";
    EXPECT_TRUE(batch.unreadable.empty());
}

TEST(WebhookUnreadable, EveryKindOfItemAndEveryPlaceInIt) {
    const std::string preference =
        R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"user_preferences","value":{"user_preferences":[)"
        R"({"wa_id":"1","category":"marketing_messages","value":"stop"},)"
        R"({"wa_id":"2","category":"marketing_messages","value":"stop","detail":"\udfff"}]}}]}]})";
    WebhookBatch batch = parse_webhook(preference, {});
    EXPECT_EQ(batch.preferences.size(), 1u);
    ASSERT_EQ(batch.unreadable.size(), 1u);
    EXPECT_EQ(batch.unreadable[0].path, item_path(1, "user_preferences"));

    // In a message's text, and in a key deep inside a status.
    const std::string reply = R"({"from":"4915112345678","id":"wamid.IN","type":"text","text":{"body":"STOP\u0000"}})";
    const std::string deep_key = R"({"id":"wamid.k","status":"read","pricing":{"cate\ud800gory":"marketing"}})";
    batch = parse_webhook(body({status("wamid.1"), deep_key}, {reply}), {});
    EXPECT_EQ(batch.statuses.size(), 1u);
    EXPECT_EQ(batch.opt_outs.size(), 0u);
    ASSERT_EQ(batch.unreadable.size(), 2u);
    EXPECT_EQ(batch.unreadable[0].path, item_path(1));
    EXPECT_EQ(batch.unreadable[1].path, item_path(0, "messages"));
    EXPECT_EQ(batch.unreadable[1].reason, kNul);
}

TEST(WebhookUnreadable, ADamagedFieldOrItemsKeyMakesItsChangeUnreadable) {
    std::string damaged_key = body({status("wamid.1")});
    damaged_key.replace(damaged_key.find("\"statuses\""), 10, "\"stat\\u0000uses\"");
    WebhookBatch batch = parse_webhook(damaged_key, {});
    ASSERT_EQ(batch.unreadable.size(), 1u) << "its statuses would be lost unseen";
    EXPECT_EQ(batch.unreadable[0].path, "entry[0].changes[0]");
    std::string damaged_field = body({status("wamid.1")});
    damaged_field.replace(damaged_field.find("\"messages\""), 10, "\"messages\xff\"");
    batch = parse_webhook(damaged_field, {});
    ASSERT_EQ(batch.unreadable.size(), 1u);
    EXPECT_EQ(batch.unreadable[0].reason, kNotUtf8);
    std::string statuses_object = body({});
    statuses_object.replace(statuses_object.find("\"statuses\":[]"), 13, "\"statuses\":{}");
    batch = parse_webhook(statuses_object, {});
    ASSERT_EQ(batch.unreadable.size(), 1u);
    EXPECT_EQ(batch.unreadable[0].path, "entry[0].changes[0].value.statuses");
}

TEST(WebhookUnreadable, ReasonsNeverQuoteTheItem) {
    const std::set<std::string> reasons = {kNul,
                                           kSurrogate,
                                           kNotUtf8,
                                           kControl,
                                           "not a JSON object",
                                           "\"id\" is not a string",
                                           "\"status\" is not a string"};
    const WebhookBatch batch = parse_webhook(
        body({status("wamid.a", "4915199999999\\ud800"), R"({"id":4915199999999,"status":"read"})", "4915199999999"}),
        {});
    ASSERT_EQ(batch.unreadable.size(), 3u);
    for (const auto& item : batch.unreadable) {
        EXPECT_TRUE(reasons.count(item.reason)) << item.reason;
        EXPECT_EQ(item.path.find("49151"), std::string::npos);
    }
}

TEST(WebhookUnreadable, WhatIsNotJsonOrNotMetasIsStillRefused) {
    for (const std::string& payload :
         {std::string("not json \\ud800"), std::string("{\"object\":\"x\\ud800\",\"entry\":[]}"),
          std::string("{\"object\":\"whatsapp_business_account\",\"entry\":[\xff]}"),
          std::string("{\"object\":\"whatsapp_business_account\",\"entr\\u0000y\":[]}")}) {
        try {
            parse_webhook(payload, {});
            ADD_FAILURE() << payload;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::InvalidText) << payload;
        }
    }
}

TEST(WebhookUnreadable, AParseErrorNamesTheByteOfTheBodyAsSent) {
    // Markers make the text longer; the error still counts the body's own bytes.
    const std::string payload = "{\"object\":\"whatsapp_business_account\",\"entry\":[\"\\ud800\xff\x01\", oops]}";
    try {
        parse_webhook(payload, {});
        FAIL();
    } catch (const Error& e) {
        const std::size_t oops = payload.find("oops");
        EXPECT_NE(std::string(e.what()).find("byte " + std::to_string(oops + 1)), std::string::npos) << e.what();
    }
}

TEST(WebhookUnreadable, UnreadableItemsCountTowardsTheLimit) {
    std::vector<std::string> items(kMaxWebhookUpdates + 1, status("wamid.\\ud800"));
    try {
        parse_webhook(body(items), {});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
    }
}

TEST(StringDefects, MarkingLeavesReadableJsonAsItIs) {
    for (const std::string& text : {webhook_samples::kSentStatus, webhook_samples::kInboundStop,
                                    std::string(R"({"a":"\ud83d\ude4f \\ud800 \\u0000 é","b":[1,2.5e3,null,true]})"),
                                    std::string("not json at all \xff")}) {
        const MarkedText marked = mark_string_defects(text);
        EXPECT_EQ(marked.text, text);
        EXPECT_TRUE(marked.markers.empty());
    }
    EXPECT_EQ(mark_string_defects("\"\\u0000\"").text, "\"\\u0000N\"");
    EXPECT_EQ(defect_in(std::string("a\0Sb", 4)), StringDefect::LoneSurrogate);
    EXPECT_EQ(defect_in("clean"), StringDefect::None);
}
