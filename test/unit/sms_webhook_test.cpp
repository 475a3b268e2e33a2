// What Twilio POSTs to the webhooks: status callbacks into the ledger's status events, inbound
// replies into opt-outs and opt-ins.
#include <gtest/gtest.h>

#include <string>

#include "core/channels/sms/form.hpp"
#include "core/channels/sms/reply.hpp"
#include "core/channels/sms/webhook.hpp"
#include "core/delivery/reference.hpp"

using namespace cart_abandon;
using namespace cart_abandon::twilio;

namespace {

const std::string kSid = "SM0123456789abcdef0123456789abcdef";
const std::string kAccount = "AC0123456789abcdef0123456789abcdef";
const std::string kUrl = "https://shop.example/hooks/twilio?cart_abandon_ref=cart_abandon%3A42%3A1700000000000000";
const Timestamp kNow{std::chrono::seconds(1700000100)};

std::string callback(const std::string& status, const std::string& extra = "") {
    return form_encode({{"MessageSid", kSid},
                        {"SmsSid", kSid},
                        {"MessageStatus", status},
                        {"To", "+15005550006"},
                        {"From", "+15005550001"},
                        {"AccountSid", kAccount},
                        {"ApiVersion", "2010-04-01"}}) +
           extra;
}

StatusCallback status_of(const std::string& body, const std::string& url = kUrl) {
    const auto webhook = parse_webhook(url, body, {kAccount});
    EXPECT_TRUE(webhook.unreadable.empty()) << webhook.unreadable;
    return webhook.status.value_or(StatusCallback{});
}

InboundMessage inbound(const std::string& text, const std::string& extra = "") {
    const auto webhook = parse_webhook("https://shop.example/hooks/twilio/inbound",
                                       form_encode({{"MessageSid", kSid},
                                                    {"AccountSid", kAccount},
                                                    {"From", "+15005550006"},
                                                    {"To", "+15005550001"},
                                                    {"Body", text},
                                                    {"NumMedia", "0"}}) +
                                           extra,
                                       {kAccount});
    EXPECT_TRUE(webhook.inbound) << webhook.unreadable;
    return webhook.inbound.value_or(InboundMessage{});
}

}  // namespace

TEST(SmsStatusCallback, DeliveredNamesItsMessageRowAndPerson) {
    const StatusCallback delivered = status_of(callback("delivered"));
    EXPECT_EQ(delivered.message_sid, kSid);
    EXPECT_EQ(delivered.status, ProviderStatus::Delivered);
    EXPECT_EQ(delivered.reference, "cart_abandon:42:1700000000000000");
    const StatusEvent event = status_event(delivered, kNow);
    EXPECT_EQ(event.provider_message_id, kSid);
    EXPECT_EQ(event.status, ProviderStatus::Delivered);
    EXPECT_EQ(event.recipient, "+15005550006");
    EXPECT_EQ(event.at, kNow);
    EXPECT_EQ(event.delivery_id, 42);
    ASSERT_TRUE(event.claimed_at);
    EXPECT_EQ(event.claimed_at->time_since_epoch().count(), 1700000000000000);
    EXPECT_FALSE(event.action);
}

TEST(SmsStatusCallback, StatusWords) {
    EXPECT_EQ(status_of(callback("sent")).status, ProviderStatus::Sent);
    EXPECT_EQ(status_of(callback("read")).status, ProviderStatus::Read);
    EXPECT_EQ(status_of(callback("failed")).status, ProviderStatus::Failed);
    EXPECT_EQ(status_of(callback("undelivered")).status, ProviderStatus::Failed);
    for (const char* ignored : {"queued", "sending", "accepted", "scheduled", "canceled"})
        EXPECT_FALSE(status_of(callback(ignored)).status) << ignored;
    // Without a reference (a Messaging Service's own callback URL): the sid alone ties it.
    const StatusCallback plain = status_of(callback("sent"), "https://shop.example/hooks/twilio");
    EXPECT_TRUE(plain.reference.empty());
    EXPECT_FALSE(status_event(plain, kNow).delivery_id);
}

TEST(SmsStatusCallback, FailuresCarryTheirActionAndFixedTexts) {
    const StatusEvent unreachable = status_event(status_of(callback("undelivered", "&ErrorCode=30003")), kNow);
    EXPECT_EQ(unreachable.status, ProviderStatus::Failed);
    EXPECT_EQ(unreachable.action, FailureAction::Retry);
    EXPECT_EQ(unreachable.error_code, 30003);
    EXPECT_EQ(unreachable.error_text, "undelivered: Twilio error 30003: unreachable handset");
    EXPECT_EQ(unreachable.metadata_error, "Twilio error 30003: unreachable handset");
    EXPECT_EQ(status_event(status_of(callback("failed", "&ErrorCode=30005")), kNow).action, FailureAction::Close);
    EXPECT_EQ(status_event(status_of(callback("failed", "&ErrorCode=21610")), kNow).action, FailureAction::OptOut);
    EXPECT_EQ(status_event(status_of(callback("failed", "&ErrorCode=30034")), kNow).action, FailureAction::Pause);
    const StatusEvent no_code = status_event(status_of(callback("failed")), kNow);
    EXPECT_EQ(no_code.action, FailureAction::Recheck);
    EXPECT_EQ(no_code.error_code, 0);
    EXPECT_EQ(status_event(status_of(callback("failed", "&ErrorCode=abc")), kNow).action, FailureAction::Recheck);
}

TEST(SmsStatusCallback, UnreadableFieldsAreNamedNotQuoted) {
    const auto missing = parse_webhook(kUrl, "MessageStatus=sent&To=%2B1", {});
    EXPECT_FALSE(missing.status);
    EXPECT_EQ(missing.unreadable, "status callback: MessageSid is missing");
    const auto bad_sid = parse_webhook(kUrl, "MessageStatus=sent&MessageSid=SM%0Aabc", {});
    EXPECT_FALSE(bad_sid.status);
    EXPECT_EQ(bad_sid.unreadable, "status callback: MessageSid is not printable ASCII of at most 256 bytes");
    EXPECT_FALSE(parse_webhook(kUrl, "MessageStatus=sent&MessageSid=SMshort", {}).status);
    // The account SID is a secret: a sid that is one is refused, AccountSid itself is not kept.
    EXPECT_EQ(parse_webhook(kUrl, "MessageStatus=sent&MessageSid=" + kAccount, {kAccount}).unreadable,
              "status callback: MessageSid holds a secret");
    EXPECT_EQ(parse_webhook(kUrl, "MessageStatus=sent&MessageSid=", {}).unreadable,
              "status callback: MessageSid is missing");
    EXPECT_EQ(parse_webhook(kUrl, "Foo=1", {}).unreadable,
              "neither MessageStatus (a status callback) nor Body (an inbound message)");
}

TEST(SmsReply, TwilioDefaultKeywordsWholeMessageAnyCase) {
    for (const char* stop : {"STOP", "stop", " Stop\n", "STOPALL", "unsubscribe", "CANCEL", "end", "Quit"})
        EXPECT_EQ(twilio_keyword(stop), ReplyKeyword::OptOut) << stop;
    for (const char* start : {"START", "yes", "Unstop"}) EXPECT_EQ(twilio_keyword(start), ReplyKeyword::OptIn) << start;
    for (const char* help : {"HELP", "info"}) EXPECT_EQ(twilio_keyword(help), ReplyKeyword::Help) << help;
    for (const char* other : {"", "stop it", "STOP.", "please stop", "STOPP", "yes please", "ＳＴＯＰ"})
        EXPECT_EQ(twilio_keyword(other), ReplyKeyword::None) << other;
}

TEST(SmsReply, InboundMessagesOptOutOrBackIn) {
    const InboundMessage stop = inbound("Stop");
    EXPECT_EQ(stop.keyword, ReplyKeyword::OptOut);
    EXPECT_TRUE(stop.opts_out);
    EXPECT_FALSE(stop.opts_in);
    EXPECT_EQ(stop.from, "+15005550006");
    EXPECT_EQ(stop.to, "+15005550001");
    EXPECT_EQ(stop.message_sid, kSid);
    // Not Twilio's keyword but an opt-out all the same (Twilio keeps sending: we do not).
    const InboundMessage baja = inbound("BAJA");
    EXPECT_EQ(baja.keyword, ReplyKeyword::None);
    EXPECT_TRUE(baja.opts_out);
    // Twilio's Advanced Opt-Out names custom keywords by their type.
    EXPECT_TRUE(inbound("ARRETE MOI CA", "&OptOutType=STOP").opts_out);
    EXPECT_TRUE(inbound("unstop").opts_in);
    EXPECT_TRUE(inbound("go on", "&OptOutType=START").opts_in);
    const InboundMessage chat = inbound("Is the blue one back in stock?");
    EXPECT_FALSE(chat.opts_out);
    EXPECT_FALSE(chat.opts_in);
    EXPECT_EQ(inbound("help").keyword, ReplyKeyword::Help);
}
