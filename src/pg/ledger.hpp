// The delivery ledger (cart_abandon.deliveries), the opt-out list, and cart metadata: every
// write cart_abandon makes about a cart goes through here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pg {

// A stage that a run takes on: claimed to be sent, or closed as skipped with a reason.
struct LedgerClaim {
    std::string cart_id;
    int stage = 0;
    bool skip = false;
    std::string phone;        // E.164 when claimed for sending
    std::string skip_reason;  // when skip
    std::string detail;       // when skip
};

struct ClaimedStage {
    std::string cart_id;
    int stage = 0;
    bool skipped = false;
    int attempts = 0;  // attempts made before this one
};

// Writes the claims and skips whose cart is still open and whose stage no other run holds
// (new, or 'retry' with attempts left); returns the ones written. Runs in the caller's
// transaction, made to commit durably: the procedure commits it before any message is sent.
std::vector<ClaimedStage> claim_stages(const std::vector<LedgerClaim>& claims, std::optional<int64_t> run_id,
                                       int max_attempts);

struct LedgerOutcome {
    std::string cart_id;
    int stage = 0;
    std::string status;  // sent, retry, failed, unknown
    int attempts_added = 0;
    std::optional<std::string> wamid;
    std::optional<std::string> wa_id;
    long error_code = 0;  // 0: none
    std::optional<std::string> error_message;
    bool write_metadata = false;  // false when nothing reached the provider for this cart
};

// Records outcomes and, in the same statement, each cart's metadata.notifications; the
// transaction is made to commit durably.
void record_outcomes(const std::vector<LedgerOutcome>& outcomes);

// The subset of phones that are on the opt-out list.
std::set<std::string> opted_out_phones(const std::vector<std::string>& phones);

void add_opt_outs(const std::vector<std::string>& phones, const std::string& source, const std::string& reason);

// The channel's pause, written with the outcomes of the batch that hit a channel-fatal answer,
// and lifted by the next batch that sends.
void record_channel_paused(long error_code, const std::string& error_message);
void record_channel_sending();

// Claims older than the timeout with no outcome: the process that made them died mid-flight.
// They become 'unknown' and are never resent. Returns how many.
uint64_t expire_stale_claims(std::chrono::seconds timeout);

}  // namespace pg
