// The SMS channel's request to Twilio's Messages API: URL, Basic auth, the form and its encoding,
// the reminder's text and its segments.
#include <gtest/gtest.h>

#include <string>

#include "core/channels/sms/channel.hpp"
#include "core/channels/sms/form.hpp"
#include "core/channels/sms/messages_api.hpp"
#include "core/channels/sms/text.hpp"
#include "core/codec/base64.hpp"

using namespace cart_abandon;
using namespace cart_abandon::twilio;

namespace {

const std::string kSid = "AC0123456789abcdef0123456789abcdef";
const std::string kToken = "auth-token-0123456789abcdef";
const std::string kService = "MG0123456789abcdef0123456789abcdef";

SmsEndpoint endpoint() {
    SmsEndpoint e;
    e.api_url = "http://127.0.0.1:8099/";
    e.account_sid = kSid;
    e.auth_token = kToken;
    e.from = "+15005550001";
    e.status_callback_url = "https://shop.example/hooks/twilio";
    return e;
}

std::string field(const std::string& body, const char* name) {
    const FormFields fields = form_decode(body);
    const std::string* value = form_value(fields, name);
    return value ? *value : "<absent>";
}

}  // namespace

TEST(SmsRequest, PostsTheFormToTheAccountsMessagesWithBasicAuth) {
    const SmsChannel channel(endpoint());
    Notification n{"+15005550006", "cart_first", "en", {"Anna", "cart_1", "https://s.example/c/cart_1"}};
    n.reference = "cart_abandon:42:1700000000000000";
    const HttpRequest request = channel.request(n);
    EXPECT_EQ(request.url, "http://127.0.0.1:8099/2010-04-01/Accounts/" + kSid + "/Messages.json");
    ASSERT_EQ(request.headers.size(), 2u);
    EXPECT_EQ(request.headers[0], "Authorization: Basic " + base64_encode(kSid + ":" + kToken));
    EXPECT_EQ(request.headers[1], "Content-Type: application/x-www-form-urlencoded");
    EXPECT_EQ(request.body,
              "To=%2B15005550006&From=%2B15005550001&Body=Hi%20Anna%2C%20your%20cart%20is%20waiting%3A%20https%3A%2F%2F"
              "s.example%2Fc%2Fcart_1%20Reply%20STOP%20to%20opt%20out&StatusCallback=https%3A%2F%2Fshop.example%2F"
              "hooks%2Ftwilio%3Fcart_abandon_ref%3Dcart_abandon%253A42%253A1700000000000000");
    EXPECT_EQ(field(request.body, "StatusCallback"),
              "https://shop.example/hooks/twilio?cart_abandon_ref=cart_abandon%3A42%3A1700000000000000");
    // The credentials are the channel's secrets, the Basic credential too.
    EXPECT_EQ(redact(request.headers[0], channel.secrets()), "Authorization: Basic [redacted]");
    EXPECT_EQ(redact("/Accounts/" + kSid + "/Messages", channel.secrets()), "/Accounts/[redacted]/Messages");
    EXPECT_EQ(channel.display_name(), std::string("SMS"));
}

TEST(SmsRequest, AMessagingServiceReplacesFromAndNoCallbackMeansNone) {
    SmsEndpoint e = endpoint();
    e.messaging_service_sid = kService;
    e.status_callback_url.clear();
    const SmsChannel channel(e);
    const std::string body = channel.request({"+15005550006", "t", "en", {"Anna", "c", "u"}, "ref"}).body;
    EXPECT_EQ(field(body, "MessagingServiceSid"), kService);
    EXPECT_EQ(field(body, "From"), "<absent>");
    EXPECT_EQ(field(body, "StatusCallback"), "<absent>");
    // A callback URL with a query of its own gets the reference after '&'.
    EXPECT_EQ(status_callback_for("https://s.example/h?shop=1", "r:1"),
              "https://s.example/h?shop=1&cart_abandon_ref=r%3A1");
    EXPECT_EQ(status_callback_for("https://s.example/h", ""), "https://s.example/h");
}

TEST(SmsForm, EncodesReservedCharactersAndUtf8AndDecodesBack) {
    const FormFields fields{{"To", "+4915123456789"}, {"Body", "a&b=c d+e%f 😀 ü\n"}};
    const std::string body = form_encode(fields);
    EXPECT_EQ(body, "To=%2B4915123456789&Body=a%26b%3Dc%20d%2Be%25f%20%F0%9F%98%80%20%C3%BC%0A");
    EXPECT_EQ(form_decode(body), fields);
    // '+' is a space in a form; %2B a plus; a stray '%' stays; "a" alone is a name with no value.
    EXPECT_EQ(form_decode("To=+1+2%2B3&x=%zz&a&&b="),
              (FormFields{{"To", " 1 2+3"}, {"x", "%zz"}, {"a", ""}, {"b", ""}}));
}

TEST(SmsRequest, NameWithFormCharactersStaysOneField) {
    const SmsChannel channel(endpoint());
    const std::string body =
        channel.request({"+15005550006", "t", "en", {"Jo&To=+1999=x", "c", "https://s.example/?a=1&b=2"}}).body;
    const FormFields fields = form_decode(body);
    ASSERT_EQ(fields.size(), 4u);
    EXPECT_EQ(field(body, "To"), "+15005550006");
    EXPECT_EQ(field(body, "Body"),
              "Hi Jo&To=+1999=x, your cart is waiting: https://s.example/?a=1&b=2 Reply STOP to opt out");
}

TEST(SmsText, CountsGsm7AndUcs2Segments) {
    EXPECT_EQ(sms_length("").segments, 0u);
    const SmsLength plain = sms_length(std::string(160, 'a'));
    EXPECT_EQ(plain.encoding, SmsEncoding::Gsm7);
    EXPECT_EQ(plain.segments, 1u);
    EXPECT_EQ(sms_length(std::string(161, 'a')).segments, 2u);
    EXPECT_EQ(sms_length(std::string(306, 'a')).segments, 2u);
    EXPECT_EQ(sms_length(std::string(307, 'a')).segments, 3u);
    // The extension table costs two septets; GSM's accented letters one.
    EXPECT_EQ(sms_length("€[]").units, 6u);
    EXPECT_EQ(sms_length("Müller, Åsa, é").encoding, SmsEncoding::Gsm7);
    // One character outside GSM-7 makes the whole message UCS-2; an emoji is two units.
    const SmsLength emoji = sms_length("Hi 😀");
    EXPECT_EQ(emoji.encoding, SmsEncoding::Ucs2);
    EXPECT_EQ(emoji.units, 5u);
    EXPECT_EQ(sms_length("`").encoding, SmsEncoding::Ucs2);
    EXPECT_EQ(sms_length(std::string(69, 'a') + "中").segments, 1u);
    EXPECT_EQ(sms_length(std::string(70, 'a') + "中").segments, 2u);
    EXPECT_EQ(sms_length(std::string(134, 'a') + "中").segments, 3u);  // 67 a segment
}

TEST(SmsText, TheNameIsKeptUnlessItCostsASegment) {
    const SmsWording wording;
    const std::string link = "https://shop.example/cart/recover/cart_01HXYZ";
    EXPECT_EQ(reminder_text("Anna", link, wording),
              "Hi Anna, your cart is waiting: " + link + " Reply STOP to opt out");
    EXPECT_EQ(reminder_text("", link, wording), "Your cart is waiting: " + link + " Reply STOP to opt out");
    // A name outside GSM-7 would make it UCS-2, two segments: it goes.
    EXPECT_EQ(reminder_text("Анна", link, wording), "Your cart is waiting: " + link + " Reply STOP to opt out");
    // A link too long for one segment anyway: the name stays (it costs nothing more).
    const std::string long_link = "https://shop.example/" + std::string(150, 'x');
    EXPECT_EQ(reminder_text("Anna", long_link, wording).rfind("Hi Anna, ", 0), 0u);
    // Placeholders are read in the pattern only.
    EXPECT_EQ(reminder_text("{link}", "L", {"{name}:{link}", "{link}"}), "{link}:L");
}
