#include "whatsapp_sender.hpp"

namespace cart_abandon {

SendReport send_templates(HttpClient& client, const WhatsAppEndpoint& endpoint,
                          const std::vector<TemplateMessage>& messages,
                          const std::function<bool()>& should_stop) {
    SendReport report;
    report.outcomes.resize(messages.size());

    std::vector<HttpRequest> requests;
    requests.reserve(messages.size());
    const std::string url = whatsapp_messages_url(endpoint.api_url, endpoint.phone_number_id);
    const std::string authorization = "Authorization: Bearer " + endpoint.token;
    for (const auto& message : messages) requests.push_back({url, whatsapp_payload(message), {authorization}});

    auto on_done = [&](std::size_t index, HttpResult&& result) {
        DeliveryOutcome outcome = result.completed ? classify_response(result.status, result.body)
                                                   : classify_transport_failure(result.error, result.request_sent);
        outcome.error_text = redact(std::move(outcome.error_text), endpoint.token);
        outcome.attempted = result.started;
        if (outcome.kind == OutcomeKind::ChannelFatal) report.channel_halted = true;
        report.outcomes[index] = std::move(outcome);
        return !report.channel_halted;
    };
    report.interrupted = !client.post_all(requests, on_done, should_stop);
    return report;
}

}  // namespace cart_abandon
