#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/model/channel_order.hpp"

using namespace cart_abandon;

namespace {

using Channels = std::vector<ChannelKind>;

// The refusal's message, or "no error".
std::string order_error(const std::string& text) {
    try {
        parse_channel_order(text);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(ChannelOrder, OneListServesBothStages) {
    const auto order = parse_channel_order("whatsapp,email");
    EXPECT_EQ(order.stages[0], (Channels{ChannelKind::WhatsApp, ChannelKind::Email}));
    EXPECT_EQ(order.stages[1], (Channels{ChannelKind::WhatsApp, ChannelKind::Email}));
    EXPECT_EQ(parse_channel_order("whatsapp").stages[1], Channels{ChannelKind::WhatsApp});
}

TEST(ChannelOrder, PerStageListsKeepTheirOrder) {
    const auto order = parse_channel_order("whatsapp,sms,email;email");
    EXPECT_EQ(order.stages[0], (Channels{ChannelKind::WhatsApp, ChannelKind::Sms, ChannelKind::Email}));
    EXPECT_EQ(order.stages[1], Channels{ChannelKind::Email});
    const auto spaced = parse_channel_order(" sms , whatsapp ; email,sms ");
    EXPECT_EQ(spaced.stages[0], (Channels{ChannelKind::Sms, ChannelKind::WhatsApp}));
    EXPECT_EQ(spaced.stages[1], (Channels{ChannelKind::Email, ChannelKind::Sms}));
}

TEST(ChannelOrder, RefusesWithTheReason) {
    EXPECT_EQ(order_error("whatsapp,fax"),
              "unknown channel \"fax\" in the list; the channels are whatsapp, email, sms");
    EXPECT_EQ(order_error("whatsapp;WhatsApp"),
              "unknown channel \"WhatsApp\" in stage 2; the channels are whatsapp, email, sms");
    EXPECT_EQ(order_error("email,whatsapp,email"), "channel \"email\" is named twice in the list");
    EXPECT_EQ(order_error("sms;email,email"), "channel \"email\" is named twice in stage 2");
    EXPECT_EQ(order_error(""), "the list names no channel");
    EXPECT_EQ(order_error("whatsapp;"), "stage 2 names no channel");
    EXPECT_EQ(order_error(" ;email"), "stage 1 names no channel");
    EXPECT_EQ(order_error("whatsapp,,email"), "the list has an empty channel name (two commas, or one at an end)");
    EXPECT_EQ(order_error("whatsapp,"), "the list has an empty channel name (two commas, or one at an end)");
    EXPECT_EQ(order_error("whatsapp;email;sms"), "more than two stages (3); a reminder has two, separated by ';'");
}

TEST(ChannelOrder, AChannelMayServeBothStages) {
    // Twice across stages is no duplicate: each stage is one message at most.
    EXPECT_EQ(order_error("whatsapp,email;whatsapp,email"), "no error");
}
