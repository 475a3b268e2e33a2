// A webhook body as a whole: several entries and changes, the limit of 1,000 updates, and bodies
// that are not Meta's.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"
#include "core/channels/whatsapp/webhook.hpp"
#include "webhook_samples.hpp"

using namespace cart_abandon;
using nlohmann::json;
using namespace webhook_samples;

namespace {

// The kind of the Error parse_webhook throws, and its message in `message`.
ErrorKind kind_of_failure(const std::string& payload, std::string* message = nullptr) {
    try {
        parse_webhook(payload, {});
    } catch (const Error& e) {
        if (message != nullptr) *message = e.what();
        return e.kind();
    }
    ADD_FAILURE() << "parsed: " << payload.substr(0, 80);
    return ErrorKind::Internal;
}

json change(const std::string& field, const json& value) { return {{"field", field}, {"value", value}}; }

json body(const json& entries) { return {{"object", "whatsapp_business_account"}, {"entry", entries}}; }

}  // namespace

TEST(WebhookBatch, MixedEntriesAndChanges) {
    const json sent = json::parse(kSentStatus)["entry"][0];
    const json failed = json::parse(kFailed131049)["entry"][0]["changes"][0];
    const json preferences = json::parse(kUserPreferences)["entry"][0]["changes"][0];
    const json stop = json::parse(kInboundStop)["entry"][0]["changes"][0];
    json second_value = statuses(2);
    second_value["metadata"]["phone_number_id"] = "222";
    second_value["messages"] =
        inbound({{"type", "text"}, {"text", {{"body", "Is the blue one in stock?"}}}})["messages"];
    const json entries = json::array({
        sent,
        {{"id", "2"},
         {"changes",
          {failed, preferences, change("account_update", {{"event", "VERIFIED_ACCOUNT"}}), stop,
           change("messages", second_value)}}},
        {{"id", "3"}, {"changes", json::array()}},
        {{"id", "4"}},
        "not an entry",
        {{"id", "5"}, {"changes", {change("messages", json::object()), change("messages", "x"), 7}}},
    });
    const WebhookBatch batch = parse_webhook(body(entries).dump(), {});
    ASSERT_EQ(batch.statuses.size(), 4u);
    EXPECT_EQ(batch.statuses[0].status, ProviderStatus::Sent);
    EXPECT_EQ(batch.statuses[0].phone_number_id, "106540352242922");
    EXPECT_EQ(batch.statuses[1].error_code, 131049);
    EXPECT_EQ(batch.statuses[2].phone_number_id, "222") << "each change has its own metadata";
    EXPECT_EQ(batch.statuses[3].wamid, "wamid.1");
    EXPECT_EQ(batch.preferences.size(), 2u);
    ASSERT_EQ(batch.opt_outs.size(), 1u);
    EXPECT_EQ(batch.opt_outs[0].wamid, "wamid.INBOUNDSTOP");
    // account_update, the question, entries 3 and 4, and the empty change.
    EXPECT_EQ(batch.ignored, 5);
    // "not an entry", a change whose value is "x", and a change that is 7.
    ASSERT_EQ(batch.unreadable.size(), 3u);
    EXPECT_EQ(batch.unreadable[0].path, "entry[4]");
    EXPECT_EQ(batch.unreadable[1].path, "entry[5].changes[1]");
    EXPECT_EQ(batch.unreadable[1].reason, "\"value\" is not a JSON object");
    EXPECT_EQ(batch.unreadable[2].path, "entry[5].changes[2]");
    EXPECT_EQ(batch.updates(), 4u + 2u + 1u + 5u + 3u);
}

TEST(WebhookBatch, EmptyEntryListIsNoUpdate) {
    const WebhookBatch batch = parse_webhook(R"({"object":"whatsapp_business_account","entry":[]})", {});
    EXPECT_EQ(batch.updates(), 0u);
}

TEST(WebhookBatch, AThousandUpdatesAreTakenOneMoreIsRefused) {
    const WebhookBatch batch = parse_webhook(envelope("messages", statuses(kMaxWebhookUpdates)), {});
    EXPECT_EQ(batch.statuses.size(), kMaxWebhookUpdates);
    EXPECT_EQ(batch.updates(), kMaxWebhookUpdates);

    std::string message;
    EXPECT_EQ(kind_of_failure(envelope("messages", statuses(kMaxWebhookUpdates + 1)), &message),
              ErrorKind::InvalidArgument);
    EXPECT_NE(message.find("1000"), std::string::npos) << message;
}

TEST(WebhookBatch, IgnoredItemsAndEntriesCountTowardsTheLimit) {
    json value = statuses(kMaxWebhookUpdates - 1);
    value["statuses"].push_back(status_item("unknown"));
    EXPECT_EQ(parse_webhook(envelope("messages", value), {}).updates(), kMaxWebhookUpdates);
    value["statuses"].push_back(json(1));
    EXPECT_EQ(kind_of_failure(envelope("messages", value)), ErrorKind::InvalidArgument);

    EXPECT_EQ(parse_webhook(body(json::array()).dump(), {}).updates(), 0u);
    EXPECT_EQ(kind_of_failure(body(json(std::vector<json>(kMaxWebhookUpdates + 1, json::object()))).dump()),
              ErrorKind::InvalidArgument);
    // 600 statuses in each of two entries: the total is what counts.
    const json half = json::parse(envelope("messages", statuses(600)))["entry"][0];
    EXPECT_EQ(kind_of_failure(body({half, half}).dump()), ErrorKind::InvalidArgument);
    EXPECT_EQ(parse_webhook(body({json::parse(envelope("messages", statuses(500)))["entry"][0],
                                  json::parse(envelope("messages", statuses(500)))["entry"][0]})
                                .dump(),
                            {})
                  .updates(),
              kMaxWebhookUpdates);
}

TEST(WebhookBatch, BodiesThatAreNotMetasAreInvalidText) {
    const std::pair<std::string, std::string> cases[] = {
        {"", "not JSON"},
        {"{\"object\":\"whatsapp_business_account\",\"entry\":[", "not JSON"},
        {"whatsapp_business_account", "not JSON"},
        {"{\"object\":\"whatsapp_business_account\",\"entry\":[]} trailing", "not JSON"},
        {"{\"object\":\"whatsapp_business_account\",\"entry\":[\xff]}", "not JSON"},
        {"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":-1e400}]}", "JSON error 406"},
        {"[]", "not a JSON object"},
        {"\"whatsapp_business_account\"", "not a JSON object"},
        {"{}", "no \"object\""},
        {"{\"entry\":[]}", "no \"object\""},
        {"{\"object\":7,\"entry\":[]}", "not a string"},
        {"{\"object\":\"page\",\"entry\":[]}", "\"page\""},
        {"{\"object\":\"WHATSAPP_BUSINESS_ACCOUNT\",\"entry\":[]}", "not \"whatsapp_business_account\""},
        {"{\"object\":\"whatsapp_business_account\"}", "no \"entry\" array"},
        {"{\"object\":\"whatsapp_business_account\",\"entry\":{}}", "no \"entry\" array"},
        {"{\"object\":\"whatsapp_business_account\",\"entry\":null}", "no \"entry\" array"},
    };
    for (const auto& [payload, says] : cases) {
        std::string message;
        EXPECT_EQ(kind_of_failure(payload, &message), ErrorKind::InvalidText) << payload;
        EXPECT_NE(message.find(says), std::string::npos) << payload << " -> " << message;
    }
}

TEST(WebhookBatch, ErrorMessagesQuoteAtMost40BytesOfTheBody) {
    std::string message;
    const std::string long_object = "pageXX" + std::string(5000, 'y');
    kind_of_failure(json{{"object", long_object}, {"entry", json::array()}}.dump(), &message);
    EXPECT_NE(message.find("pageXX"), std::string::npos) << message;
    EXPECT_EQ(message.find(std::string(41, 'y')), std::string::npos) << message;
    EXPECT_LT(message.size(), 120u);

    // A parse error names the byte, never the bytes.
    kind_of_failure("{\"object\":\"whatsapp_business_account\",\"secret_token_xyz\" oops}", &message);
    EXPECT_EQ(message.find("secret_token_xyz"), std::string::npos) << message;
    EXPECT_NE(message.find("byte 58"), std::string::npos) << message;

    kind_of_failure(json{{"object", std::string("line\nbreak\0nul", 14)}}.dump(), &message);
    EXPECT_EQ(message.find_first_of(std::string("\n\0", 2)), std::string::npos) << "controls are spaces";
}

TEST(WebhookBatch, DeepNestingDoesNotCrash) {
    const std::string deep = "{\"object\":\"whatsapp_business_account\",\"entry\":[" + std::string(100000, '[') +
                             std::string(100000, ']') + "]}";
    EXPECT_EQ(parse_webhook(deep, {}).unreadable.size(), 1u);
    // A status whose lone surrogate lies 100,000 arrays deep: found without recursion.
    const std::string deep_status = "{\"id\":\"wamid.1\",\"status\":\"read\",\"x\":" + std::string(100000, '[') +
                                    "\"\\ud800\"" + std::string(100000, ']') + "}";
    std::string deep_item = envelope("messages", {{"statuses", {"STATUS"}}});
    deep_item.replace(deep_item.find("\"STATUS\""), 8, deep_status);
    const WebhookBatch batch = parse_webhook(deep_item, {});
    ASSERT_EQ(batch.unreadable.size(), 1u);
    EXPECT_EQ(batch.unreadable[0].reason, "a string holds an unpaired UTF-16 surrogate escape");
}
