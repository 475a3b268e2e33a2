// The selection rules (core/rules/selection.hpp), phase by phase: each rule on its own, in its
// order against the next, and the claims they turn into.
#include <gtest/gtest.h>

#include "core/rules/selection.hpp"

using namespace cart_abandon;
using std::chrono::hours;
using Kind = Decision::Kind;

namespace {

const Timestamp kNow = Timestamp(std::chrono::seconds(1'800'000'000));  // 2027-01-15T08:00:00Z

struct Fixture {
    Settings settings;
    Purchases purchases;
    SelectionFacts facts;
    int purchase_reads = 0;

    Fixture() {
        settings.quiet_hours.enabled = false;
        settings.frequency_cap = hours(16);
        facts.purchases = [this]() -> const Purchases& {
            ++purchase_reads;
            return purchases;
        };
    }

    std::vector<Decision> judge(const std::vector<DueCart>& carts) {
        return judge_carts(carts, settings, settings.timing, facts, kNow);
    }
};

DueCart due_cart(const std::string& id, hours idle = hours(25)) {
    DueCart cart;
    cart.cart_id = id;
    cart.timeline.last_activity = kNow - idle;
    cart.last_change = cart.timeline.last_activity;
    cart.phones = {{"shipping", "+49 151 23456789", "DE"}};
    cart.provinces = {""};
    return cart;
}

}  // namespace

TEST(Selection, ADueCartWithAMobileIsSent) {
    Fixture f;
    const std::vector<DueCart> carts{due_cart("c1")};
    const auto d = f.judge(carts);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].kind, Kind::Send);
    EXPECT_EQ(d[0].stage, 1);
    EXPECT_EQ(d[0].recipient, "+4915123456789");
    EXPECT_EQ(d[0].region, "DE");
}

TEST(Selection, NotDueBeforeTheFirstDelayAndNoPurchaseRead) {
    Fixture f;
    const std::vector<DueCart> carts{due_cart("c1", hours(2))};
    const auto d = f.judge(carts);
    EXPECT_EQ(d[0].kind, Kind::NotDue);
    EXPECT_EQ(f.purchase_reads, 0);  // read only for a due cart
}

TEST(Selection, SkipsInTheRulesOrder) {
    Fixture f;
    f.settings.require_consent = true;
    f.purchases.add(kNow - hours(1), "cus_1", "", "");
    DueCart erased = due_cart("erased"), paid = due_cart("paid"), bought = due_cart("bought"),
            refused = due_cart("refused"), newer = due_cart("newer"), no_consent = due_cart("no_consent"),
            no_phone = due_cart("no_phone");
    // Each cart also fails every later rule: the first rule decides.
    for (DueCart* c : {&erased, &paid, &bought, &refused, &newer, &no_consent, &no_phone}) {
        c->customer_id = "cus_1";
        c->refused = SkipReason::SalesChannelDisabled;
        c->superseded_by = "cart_newer";
        c->phones.clear();
        c->provinces.clear();
    }
    erased.customer_erased = true;
    paid.paid = true;
    bought.timeline.last_activity = kNow - hours(25);
    for (DueCart* c : {&refused, &newer, &no_consent, &no_phone}) c->customer_id = "cus_2";
    refused.refused = SkipReason::RegionDeleted;
    for (DueCart* c : {&newer, &no_consent, &no_phone}) c->refused.reset();
    for (DueCart* c : {&no_consent, &no_phone}) c->superseded_by.clear();
    no_phone.consent = true;
    const std::vector<DueCart> carts{erased, paid, bought, refused, newer, no_consent, no_phone};
    const auto d = f.judge(carts);
    const SkipReason expected[] = {SkipReason::Erased,        SkipReason::Paid,       SkipReason::CustomerPurchased,
                                   SkipReason::RegionDeleted, SkipReason::Superseded, SkipReason::NoConsent,
                                   SkipReason::NoPhone};
    for (std::size_t i = 0; i < d.size(); ++i) {
        EXPECT_EQ(d[i].kind, Kind::Skip) << carts[i].cart_id;
        EXPECT_EQ(d[i].skip_reason, expected[i]) << carts[i].cart_id;
        EXPECT_FALSE(d[i].detail.empty()) << carts[i].cart_id;
    }
    EXPECT_NE(d[3].detail.find("region is deleted"), std::string::npos);
}

TEST(Selection, APurchaseBeforeTheCartsActivityDoesNotSkip) {
    Fixture f;
    f.purchases.add(kNow - hours(30), "cus_1", "", "");
    DueCart cart = due_cart("c1");
    cart.customer_id = "cus_1";
    const std::vector<DueCart> carts{cart};
    EXPECT_EQ(f.judge(carts)[0].kind, Kind::Send);
}

TEST(Selection, HoldsForAStoppedTemplateACountryAndTheNight) {
    Fixture f;
    DueCart paused = due_cart("paused"), restricted = due_cart("restricted"), night = due_cart("night");
    restricted.phones = {{"shipping", "+33 6 12 34 56 78", ""}};
    night.phones = {{"shipping", "+81 90 1234 5678", ""}};  // 17:00 in Tokyo at kNow: quiet hours 21-9 do not hold
    f.settings.quiet_hours = QuietHours{21 * 60, 9 * 60, true};
    {
        const std::vector<DueCart> carts{night};
        EXPECT_EQ(f.judge(carts)[0].kind, Kind::Send);
    }
    night.phones = {{"shipping", "+44 7400 123456", ""}};  // 08:00 in London
    f.facts.stopped_templates = {f.settings.template_first + "/" + f.settings.template_language};
    paused.customer_id = "x";
    const std::vector<DueCart> first{paused};
    const auto p = f.judge(first);
    EXPECT_EQ(p[0].kind, Kind::Hold);
    EXPECT_EQ(p[0].hold_reason, HoldReason::TemplatePaused);
    EXPECT_EQ(p[0].not_before, kNow + hours(1));
    f.facts.stopped_templates.clear();
    f.facts.restricted_countries = {{"FR", kNow + hours(5)}};
    const std::vector<DueCart> others{restricted, night};
    const auto d = f.judge(others);
    EXPECT_EQ(d[0].hold_reason, HoldReason::CountryRestricted);
    EXPECT_EQ(d[0].not_before, kNow + hours(5));
    EXPECT_EQ(d[0].recipient, "+33612345678");  // a hold keeps its recipient
    EXPECT_EQ(d[1].kind, Kind::Hold);
    EXPECT_EQ(d[1].hold_reason, HoldReason::QuietHours);
    ASSERT_TRUE(d[1].not_before);
    EXPECT_GT(*d[1].not_before, kNow);
}

TEST(Selection, PreviousRemindersAreImported) {
    Fixture f;
    DueCart cart = due_cart("c1", hours(30));
    cart.notifications = R"({"firstSent": true, "firstSentAt": "2027-01-14T03:00:00Z"})";
    const std::vector<DueCart> carts{cart};
    const auto d = f.judge(carts);
    EXPECT_EQ(d[0].kind, Kind::Imported);
    ASSERT_EQ(d[0].imports.size(), 1u);
    EXPECT_EQ(d[0].imports[0].status, Status::Sent);
    EXPECT_EQ(d[0].imports[0].stage, 1);
    const auto claims = claims_of(d);
    ASSERT_EQ(claims.size(), 1u);
    EXPECT_EQ(claims[0].status, Status::Sent);
}

TEST(Selection, ErasedAndOptedOutPeopleAreSkippedEvenWhenHeld) {
    std::vector<DueCart> carts{due_cart("a"), due_cart("b"), due_cart("c")};
    carts[1].phones = {{"shipping", "+49 151 99999999", "DE"}};
    carts[2].phones = {{"shipping", "+49 151 88888888", "DE"}};
    Fixture f;
    auto d = f.judge(carts);
    d[1].kind = Kind::Hold;
    d[1].hold_reason = HoldReason::QuietHours;
    d[1].not_before = kNow + hours(3);
    EXPECT_EQ(people_of(d), (std::vector<std::string>{"+4915123456789", "+4915188888888", "+4915199999999"}));
    ContactFacts facts;
    facts.erased = {"+4915123456789"};
    facts.opted_out = {"+4915199999999"};
    std::map<std::string, Timestamp> contacted;
    apply_contacts(d, facts, std::chrono::seconds(0), contacted, kNow);
    EXPECT_EQ(d[0].skip_reason, SkipReason::Erased);
    EXPECT_EQ(d[1].kind, Kind::Skip);
    EXPECT_EQ(d[1].skip_reason, SkipReason::OptedOut);
    EXPECT_EQ(d[2].kind, Kind::Send);
    const auto claims = claims_of(d);
    EXPECT_EQ(claims[1].status, Status::Skipped);
    EXPECT_FALSE(claims[1].hold_reason);
    EXPECT_EQ(claims[1].recipient, "");  // a skip names no recipient
}

TEST(Selection, TheFrequencyCapHoldsFromTheLatestContact) {
    std::vector<DueCart> carts{due_cart("a"), due_cart("b"), due_cart("c")};
    carts[2].phones = {{"shipping", "+49 151 77777777", "DE"}};
    Fixture f;
    auto d = f.judge(carts);
    ContactFacts facts;
    facts.latest = {{"+4915177777777", kNow - hours(10)}};
    std::map<std::string, Timestamp> contacted;
    apply_contacts(d, facts, hours(16), contacted, kNow);
    EXPECT_EQ(d[0].kind, Kind::Send);  // the first of two carts of one person goes
    EXPECT_EQ(d[1].kind, Kind::Hold);  // the second waits the cap out
    EXPECT_EQ(d[1].hold_reason, HoldReason::FrequencyCap);
    EXPECT_EQ(d[1].not_before, kNow + hours(16));
    EXPECT_EQ(d[2].not_before, kNow + hours(6));  // the ledger's contact 10 h ago
    EXPECT_EQ(contacted.size(), 1u);
    // No cap: nobody is held.
    auto again = f.judge(carts);
    std::map<std::string, Timestamp> none;
    apply_contacts(again, facts, std::chrono::seconds(0), none, kNow);
    for (const auto& x : again) EXPECT_EQ(x.kind, Kind::Send);
}

TEST(Selection, TheMessagingLimitHoldsNewPeopleOnly) {
    std::vector<DueCart> carts{due_cart("a"), due_cart("b"), due_cart("c")};
    carts[1].phones = {{"shipping", "+49 151 99999999", "DE"}};
    carts[2].phones = {{"shipping", "+49 151 88888888", "DE"}};
    Fixture f;
    auto d = f.judge(carts);
    MessagingWindow window;
    window.people = 2;
    window.reached = {"+4915123456789"};
    window.frees_at = kNow + hours(3);
    EXPECT_EQ(recipients_of(d).size(), 3u);
    apply_messaging_limit(d, 3, window, nullptr, kNow);
    EXPECT_EQ(d[0].kind, Kind::Send);  // already in the window: no new place
    EXPECT_EQ(d[1].kind, Kind::Send);  // the third place
    EXPECT_EQ(d[2].kind, Kind::Hold);
    EXPECT_EQ(d[2].hold_reason, HoldReason::MessagingLimit);
    EXPECT_EQ(d[2].not_before, kNow + hours(3) + std::chrono::minutes(1));
    // A dry run counts the people its earlier batches would have reached.
    auto dry = f.judge(carts);
    std::set<std::string> counted{"+4915100000000"};
    MessagingWindow empty;
    apply_messaging_limit(dry, 3, empty, &counted, kNow);
    EXPECT_EQ(dry[2].kind, Kind::Hold);
    EXPECT_EQ(dry[2].not_before, kNow + hours(24) + std::chrono::minutes(1));
    EXPECT_EQ(counted.size(), 3u);
    // Limit 0: not enforced.
    auto free = f.judge(carts);
    apply_messaging_limit(free, 0, window, nullptr, kNow);
    for (const auto& x : free) EXPECT_EQ(x.kind, Kind::Send);
}

TEST(Selection, ClaimsCarryWhatTheLedgerNeeds) {
    std::vector<DueCart> carts{due_cart("send"), due_cart("skip"), due_cart("early", hours(1))};
    carts[1].phones = {{"shipping", "12", "DE"}};
    carts[1].last_change = kNow - hours(2);
    carts[0].rows[0].status = Status::Retry;
    Fixture f;
    const auto d = f.judge(carts);
    const auto claims = claims_of(d);
    ASSERT_EQ(claims.size(), 2u);  // not due: no claim
    EXPECT_EQ(claims[0].status, Status::Claimed);
    EXPECT_EQ(claims[0].recipient, "+4915123456789");
    EXPECT_EQ(claims[0].seen.status, Status::Retry);
    EXPECT_EQ(claims[1].status, Status::Skipped);
    EXPECT_EQ(claims[1].skip_reason, SkipReason::InvalidPhone);
    EXPECT_EQ(claims[1].cart_changed_at, kNow - hours(2));  // a change may lift it
}

TEST(Selection, EachDueCartAsksForPurchasesAndNoOtherDoes) {
    Fixture f;
    const std::vector<DueCart> carts{due_cart("a"), due_cart("b"), due_cart("early", hours(2))};
    f.judge(carts);
    EXPECT_EQ(f.purchase_reads, 2);  // asked per due cart; the caller (pg) reads once and keeps it
}

TEST(Selection, UtcText) { EXPECT_EQ(utc_text(kNow), "2027-01-15T08:00:00Z"); }

// The passes of the other channels (core/rules/channel_turn.hpp gives each its stages).
TEST(SelectionPasses, EmailSendsToTheCartsAddressAndSkipsWithoutOne) {
    Fixture f;
    DueCart with = due_cart("with"), without = due_cart("without"), broken = due_cart("broken");
    with.email = "anna@example.com";
    with.phones.clear();  // no phone at all: email reaches her anyway
    with.provinces.clear();
    broken.email = "anna at example.com";
    const std::vector<DueCart> carts{with, without, broken};
    const auto d = judge_carts(carts, f.settings, f.settings.timing, f.facts, kNow, ChannelKind::Email);
    EXPECT_EQ(d[0].kind, Kind::Send);
    EXPECT_EQ(d[0].recipient, "anna@example.com");
    EXPECT_EQ(d[1].kind, Kind::Skip);
    EXPECT_EQ(d[1].skip_reason, SkipReason::NoEmail);
    EXPECT_EQ(d[1].detail, "no email address on the cart or its customer");
    EXPECT_EQ(d[2].skip_reason, SkipReason::NoEmail);
    EXPECT_EQ(d[2].detail, "the cart's email address is not one a message can be sent to");
}

TEST(SelectionPasses, QuietHoursHoldEmailAtTheAddressesPlace) {
    Fixture f;
    f.settings.quiet_hours = QuietHours{21 * 60, 9 * 60, true};
    f.settings.default_region = "DE";
    DueCart tokyo = due_cart("tokyo"), london = due_cart("london"), nowhere = due_cart("nowhere");
    for (DueCart* c : {&tokyo, &london, &nowhere}) c->email = "a@example.com";
    tokyo.phones = {{"shipping", "", "jp"}};  // no number: the shipping address's country (17:00 there)
    london.phones = {{"shipping", "+44 7400 123456", ""}};  // the number's country (08:00 there)
    nowhere.phones.clear();  // nothing known: the shop's default region (09:00 in Berlin: allowed)
    nowhere.provinces.clear();
    const std::vector<DueCart> carts{tokyo, london, nowhere};
    const auto d = judge_carts(carts, f.settings, f.settings.timing, f.facts, kNow, ChannelKind::Email);
    EXPECT_EQ(d[0].kind, Kind::Send);
    EXPECT_EQ(d[0].region, "JP");
    EXPECT_EQ(d[1].kind, Kind::Hold);
    EXPECT_EQ(d[1].hold_reason, HoldReason::QuietHours);
    EXPECT_EQ(d[1].region, "GB");
    EXPECT_EQ(d[2].region, "DE");
}

TEST(SelectionPasses, SmsReachesWhatWhatsAppsBlockedRegionsRefuse) {
    Fixture f;
    f.settings.blocked_regions = {"US"};
    DueCart us = due_cart("us");
    us.phones = {{"shipping", "+1 415 555 2671", ""}};
    const std::vector<DueCart> carts{us};
    const auto whatsapp = judge_carts(carts, f.settings, f.settings.timing, f.facts, kNow, ChannelKind::WhatsApp);
    EXPECT_EQ(whatsapp[0].skip_reason, SkipReason::BlockedRegion);
    const auto sms = judge_carts(carts, f.settings, f.settings.timing, f.facts, kNow, ChannelKind::Sms);
    EXPECT_EQ(sms[0].kind, Kind::Send);
    EXPECT_EQ(sms[0].recipient, "+14155552671");
    // WhatsApp's own holds are WhatsApp's: a paused template or a refused country does not hold SMS.
    f.facts.stopped_templates = {f.settings.template_first + "/"};
    f.facts.restricted_countries = {{"US", kNow + hours(5)}};
    EXPECT_EQ(judge_carts(carts, f.settings, f.settings.timing, f.facts, kNow, ChannelKind::Sms)[0].kind, Kind::Send);
}
