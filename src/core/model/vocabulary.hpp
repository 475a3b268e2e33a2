// The words cart_abandon records and answers with: ledger statuses, result-row actions, skip and
// hold reasons, run statuses, providers' message statuses. One name table per word family (below);
// the SQL CHECK constraints list the same names (test/unit/vocabulary_test.cpp compares them with
// sql/parts/tables.sql), and no other C++ file spells one as a string.
#pragma once

#include "core/no_postgres.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cart_abandon {

// cart_abandon.deliveries.status: a stage's state in the ledger.
enum class Status { Claimed, Sent, Retry, Failed, Skipped, Unknown, Held };

// cart_abandon.deliveries.origin: who sent it (the shop's previous system: imported).
enum class Origin { CartAbandon, Imported };

// What happened to a cart in one call: the `action` column of cart_abandon_process's rows.
enum class Action { Sent, Failed, Retry, Skipped, Held, Imported, WouldSend };

// Why a stage was closed without a message (deliveries.skip_reason).
enum class SkipReason {
    NoPhone,  // no number typed anywhere
    InvalidPhone,  // none of the typed numbers is a valid one
    BlockedRegion,  // the only valid numbers are in cart_abandon.blocked_regions
    NoConsent,  // cart_abandon.require_consent and no consent recorded
    Erased,  // the customer or the number was erased
    OptedOut,  // the number is on the opt-out list
    Paid,  // the cart's payment went through
    CustomerPurchased,  // the same person bought since
    Superseded,  // the same person has a newer open cart
    SalesChannelDisabled,
    SalesChannelDeleted,
    RegionDeleted,
    NoEmail,  // no usable email address on the cart or its customer (the email channel)
};

// Why a stage waits until not_before (deliveries.hold_reason).
enum class HoldReason {
    QuietHours,  // night at the recipient
    FrequencyCap,  // the person was messaged within cart_abandon.frequency_cap
    MessagingLimit,  // the provider's unique-people-per-24-h limit is reached
    TemplatePaused,  // the provider paused or disabled the template
    CountryRestricted,  // the provider refuses the business in the recipient's country
    MetaMarketingCap,  // Meta's per-user marketing cap (131049): try again after 24 h
};

// cart_abandon.runs.status.
enum class RunStatus { Running, Succeeded, Failed, Interrupted, ChannelPaused };

// A message's status as a provider's webhook reports it (deliveries.webhook_status).
enum class ProviderStatus { Sent, Delivered, Read, Played, Failed };

// What a failed status does to its stage (the webhook's word for it, kept with a kept status).
enum class FailureAction {
    Close,  // the stage failed for good
    Defer,  // held a day (Meta's 131049)
    Retry,  // due again, an attempt spent
    Pause,  // the channel's fault: the channel pauses, the stage keeps its attempt
    OptOut,  // the person stopped: opted out, the stage closed
    Recheck,  // a code the provider's table does not name: the stage's first is a free retry
};

// The channels a ledger row can be on (deliveries.channel, channel_status.channel).
enum class ChannelKind { WhatsApp, Email, Sms };

// The result row's detail of a cart the selection's filter let through and the due-stage rule
// did not (the rule decides).
constexpr const char* kNotDueDetail = "not_due";

template <typename Word>
struct WordNames;

template <>
struct WordNames<Status> {
    static constexpr std::array<const char*, 7> names{"claimed", "sent",    "retry", "failed",
                                                      "skipped", "unknown", "held"};
};
template <>
struct WordNames<Origin> {
    static constexpr std::array<const char*, 2> names{"cart_abandon", "imported"};
};
template <>
struct WordNames<Action> {
    static constexpr std::array<const char*, 7> names{"sent", "failed",   "retry",     "skipped",
                                                      "held", "imported", "would_send"};
};
template <>
struct WordNames<SkipReason> {
    static constexpr std::array<const char*, 13> names{"no_phone",
                                                       "invalid_phone",
                                                       "blocked_region",
                                                       "no_consent",
                                                       "erased",
                                                       "opted_out",
                                                       "paid",
                                                       "customer_purchased",
                                                       "superseded",
                                                       "sales_channel_disabled",
                                                       "sales_channel_deleted",
                                                       "region_deleted",
                                                       "no_email"};
};
template <>
struct WordNames<HoldReason> {
    static constexpr std::array<const char*, 6> names{"quiet_hours",     "frequency_cap",      "messaging_limit",
                                                      "template_paused", "country_restricted", "meta_marketing_cap"};
};
template <>
struct WordNames<RunStatus> {
    static constexpr std::array<const char*, 5> names{"running", "succeeded", "failed", "interrupted",
                                                      "channel_paused"};
};
template <>
struct WordNames<ProviderStatus> {
    static constexpr std::array<const char*, 5> names{"sent", "delivered", "read", "played", "failed"};
};
template <>
struct WordNames<FailureAction> {
    static constexpr std::array<const char*, 6> names{"close", "defer", "retry", "pause", "opt_out", "recheck"};
};
template <>
struct WordNames<ChannelKind> {
    static constexpr std::array<const char*, 3> names{"whatsapp", "email", "sms"};
};

// The recorded name of a word.
template <typename Word>
const char* name(Word word) {
    return WordNames<Word>::names[std::size_t(word)];
}

// The word a recorded name stands for; nullopt for any other text.
template <typename Word>
std::optional<Word> parse_word(std::string_view text) {
    const auto& names = WordNames<Word>::names;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (text == names[i]) return Word(i);
    return std::nullopt;
}

// A skip for want of data that a change of the cart, its addresses or its customer may lift.
constexpr bool lifted_by_change(SkipReason reason) {
    return reason == SkipReason::NoPhone || reason == SkipReason::InvalidPhone || reason == SkipReason::BlockedRegion ||
           reason == SkipReason::NoConsent || reason == SkipReason::NoEmail;
}

}  // namespace cart_abandon
