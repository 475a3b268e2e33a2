// What a provider's answer to one claimed message means for the ledger and for the call's result
// row: the outcome transitions as a pure function (test/unit/outcome_test.cpp covers them case by
// case).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

#include "core/model/decision.hpp"
#include "core/model/vocabulary.hpp"
#include "core/delivery/outcome.hpp"

namespace cart_abandon {

struct Judgement {
    Outcome ledger;
    Action action = Action::Failed;
};

// The call's circumstances an answer is judged in.
struct OutcomeContext {
    int max_attempts = 3;  // the reminder's attempts in all (Timing::max_attempts)
    bool channel_halted = false;  // the call stopped sending (a channel-fatal answer)
    std::string halt_reason;  // why, for the rows left unsent
    Timestamp now{};
};

// Sent -> Sent (the provider's ids kept); Deferred -> Held MetaMarketingCap for the answer's
// hold_seconds while attempts are left, else Failed; Transient -> Retry while attempts are left, else Failed;
// Permanent -> Failed, except a code not in the provider's table, whose first answer of the stage
// is a Retry that spends no attempt; CountryRestricted -> Held CountryRestricted for hold_seconds, no
// attempt, metadata clean; ChannelFatal -> Retry, no attempt, metadata clean (not the cart's
// fault); Unknown -> Unknown (never resent automatically), reported as failed.
Judgement judge_outcome(const Decision& decision, const ClaimedStage& claim, const DeliveryOutcome& answer,
                        const OutcomeContext& context);

}  // namespace cart_abandon
