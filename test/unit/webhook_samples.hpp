// Webhook bodies for the unit tests, in the shapes of Meta's webhook reference for the Cloud API
// (v24.0 on: status webhooks carry no `conversation`), and helpers that wrap items the same way.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace webhook_samples {

using nlohmann::json;

inline const std::string kSentStatus = R"({
  "object": "whatsapp_business_account",
  "entry": [{
    "id": "102290129340398",
    "changes": [{
      "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "statuses": [{
          "id": "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI4QTJGRkQ4RjlEQjU1N0M0MjkA",
          "status": "sent",
          "timestamp": "1750263773",
          "recipient_id": "16505076520",
          "biz_opaque_callback_data": "cart_abandon:ledger:42",
          "pricing": {"billable": true, "pricing_model": "PMP", "category": "marketing", "type": "regular"}
        }]
      },
      "field": "messages"
    }]
  }]
})";

inline const std::string kFailed131049 = R"({
  "object": "whatsapp_business_account",
  "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "statuses": [{
      "id": "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBJGQUlMRUQ=",
      "status": "failed",
      "timestamp": "1750263790",
      "recipient_id": "16505076520",
      "errors": [{
        "code": 131049,
        "title": "This message was not delivered to maintain healthy ecosystem engagement.",
        "message": "This message was not delivered to maintain healthy ecosystem engagement.",
        "error_data": {"details": "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."},
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
      }]
    }]}}]}]
})";

inline const std::string kUserPreferences = R"({
  "object": "whatsapp_business_account",
  "entry": [{"id": "102290129340398", "changes": [{"field": "user_preferences", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
    "user_preferences": [
      {"wa_id": "16505551234", "detail": "User requested to stop marketing messages",
       "category": "marketing_messages", "value": "stop", "timestamp": 1731705721},
      {"wa_id": "5511987654321", "detail": "User requested to resume marketing messages",
       "category": "marketing_messages", "value": "resume", "timestamp": "1731705800"}
    ]}}]}]
})";

inline const std::string kInboundStop = R"({
  "object": "whatsapp_business_account",
  "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "contacts": [{"profile": {"name": "Anna"}, "wa_id": "4915123456789"}],
    "messages": [{
      "context": {"from": "15550783881", "id": "wamid.SENTREMINDER"},
      "from": "4915123456789", "id": "wamid.INBOUNDSTOP", "timestamp": "1750264000",
      "type": "text", "text": {"body": "STOP"}
    }]}}]}]
})";

inline const std::string kButtonStopPromotions = R"({
  "object": "whatsapp_business_account",
  "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "contacts": [{"profile": {"name": "Ravi"}, "wa_id": "919876543210"}],
    "messages": [{
      "context": {"from": "15550783881", "id": "wamid.SENTREMINDER2"},
      "from": "919876543210", "id": "wamid.BUTTONTAP", "timestamp": "1750264100",
      "type": "button", "button": {"payload": "Stop promotions", "text": "Stop promotions"}
    }]}}]}]
})";

// One change of `field` holding `value`, wrapped as Meta sends it.
inline std::string envelope(const std::string& field, const json& value) {
    return json{
        {"object", "whatsapp_business_account"},
        {"entry", json::array({{{"id", "1"}, {"changes", json::array({{{"field", field}, {"value", value}}})}}})}}
        .dump();
}

inline json status_item(const std::string& status, int n = 0) {
    return {
        {"id", "wamid." + std::to_string(n)}, {"status", status}, {"timestamp", "1750263773"}, {"recipient_id", "491"}};
}

inline json statuses(std::size_t count) {
    json items = json::array();
    for (std::size_t i = 0; i < count; ++i) items.push_back(status_item("delivered", int(i)));
    return {{"metadata", {{"phone_number_id", "106"}}}, {"statuses", items}};
}

inline json inbound(const json& message) {
    json item = {{"from", "4915123456789"}, {"id", "wamid.IN"}, {"timestamp", "1750264000"}};
    item.update(message);
    return {{"messages", json::array({item})}};
}

}  // namespace webhook_samples
