// The delivery ledger (cart_abandon.deliveries), the opt-out list, and cart metadata: every
// write cart_abandon makes about a cart goes through here.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/policy.hpp"
#include "pg/due_carts.hpp"

namespace pg {

// A stage that a run takes on: claimed to be sent, closed as skipped with a reason, held until
// a time, or recorded as sent by the shop's previous system (imported).
struct LedgerClaim {
    std::string cart_id;
    int stage = 0;
    std::string status;        // claimed, skipped, held, sent (imported)
    std::string phone;         // E.164 when claimed for sending
    std::string skip_reason;   // when skipped
    std::string detail;        // when skipped or held
    std::string hold_reason;   // when held: quiet_hours, frequency_cap
    std::optional<cart_abandon::Timestamp> not_before;       // when held
    std::optional<cart_abandon::Timestamp> sent_at;          // when imported, if the metadata had a time
    std::optional<cart_abandon::Timestamp> cart_changed_at;  // when skipped for want of data
    StageRow seen;             // the stage's row as the selection saw it
};

struct ClaimedStage {
    int64_t id = 0;  // the ledger row
    cart_abandon::Timestamp claimed_at{};  // this claim's time: with the id, it names this message
    std::string cart_id;
    int stage = 0;
    std::string status;  // as written
    int attempts = 0;    // attempts made before this one
    bool unlisted_before = false;  // the stage already spent its free retry of an unlisted error code
};

// Writes the claims whose cart is still open and whose row is still as the selection saw it
// (none: inserted unless another run inserted it first; else taken over only if unchanged);
// returns the ones written. Runs in the caller's transaction, made to commit durably: the
// procedure commits it before any message is sent.
std::vector<ClaimedStage> claim_stages(const std::vector<LedgerClaim>& claims, std::optional<int64_t> run_id);

struct LedgerOutcome {
    std::string cart_id;
    int stage = 0;
    std::string status;  // sent, retry, failed, unknown, held (131049: not_before set)
    int attempts_added = 0;
    std::optional<std::string> wamid;
    std::optional<std::string> wa_id;
    std::optional<std::string> message_status;  // Meta's messages[].message_status
    std::optional<cart_abandon::Timestamp> not_before;  // held: when the stage may go again
    long error_code = 0;  // 0: none
    std::optional<std::string> error_message;
    std::string metadata_error;   // what cart metadata (public) says of a failure: code and fixed text
    bool write_metadata = false;  // false when nothing reached the provider for this cart
    bool opt_out = false;         // Meta said the user stopped marketing (131050): add the number
    std::string hold_reason;      // held: "" for meta_marketing_cap (131049), country_restricted (130497)
    bool unlisted_answer = false; // the answer's code is not in Meta's table: the stage's free retry
};

// Records outcomes in the ledger (the transaction is made to commit durably) and returns the
// rows whose cart metadata is now pending (src/pg/cart_metadata.hpp writes it after the commit).
std::vector<int64_t> record_outcomes(const std::vector<LedgerOutcome>& outcomes);

// Holds, until the transaction ends, a lock per person (E.164 number) so that two calls cannot
// both decide to message one person; taken in sorted order so that two calls cannot deadlock.
void lock_people(const std::vector<std::string>& phones);

// Each number's latest contact after `since` (a claim, a sent or an unknown outcome), matched
// by number or by the wa_id Meta returned for it (Brazilian and Mexican wa_ids differ from E.164).
std::map<std::string, cart_abandon::Timestamp> latest_contacts(const std::vector<std::string>& phones,
                                                               cart_abandon::Timestamp since);

// The subset of phones that are on the opt-out list for sends from `phone_number_id` (an entry of
// that number or of every number).
std::set<std::string> opted_out_phones(const std::vector<std::string>& phones, const std::string& phone_number_id);

// Makes the current transaction commit durably even where synchronous_commit is off (and wait
// for synchronous standbys, when there are).
void make_commit_durable();

// Adds the numbers of outcomes marked opt_out (131050) to cart_abandon.opt_outs, for every call
// that marked some (one interrupted before doing it included), and clears the marks.
void add_pending_opt_outs();

// The channel's pause, written with the outcomes of the batch that hit a channel-fatal answer,
// and lifted by the next batch that sends.
void record_channel_paused(long error_code, const std::string& error_message);
void record_channel_sending();
// The code that paused the channel (0 when it had none), or nullopt when it is not paused.
std::optional<long> channel_paused_code();

}  // namespace pg
