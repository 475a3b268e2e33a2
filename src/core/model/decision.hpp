// What the rules decide for a due cart (Decision), what the ledger is asked to write before
// anything is sent (Claim, ClaimedStage), and what it records once the provider answered
// (Outcome). Channel-neutral: a recipient is an address on a channel (a phone number in E.164
// for WhatsApp), a sent message is named by the provider's id.
#pragma once

#include "core/no_postgres.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/cart.hpp"
#include "core/model/vocabulary.hpp"
#include "core/rules/stage.hpp"

namespace cart_abandon {

// A stage that a call takes on: claimed to be sent, closed as skipped with a reason, held until
// a time, or recorded as sent by the shop's previous system (status Sent, origin Imported).
struct Claim {
    std::string cart_id;
    int stage = 0;
    Status status = Status::Claimed;  // Claimed, Skipped, Held, Sent (imported)
    std::string recipient;  // the address when claimed or held (E.164 on WhatsApp)
    std::optional<SkipReason> skip_reason;  // Skipped
    std::optional<HoldReason> hold_reason;  // Held
    std::string detail;  // Skipped or Held: the why, in words
    std::optional<Timestamp> not_before;  // Held
    std::optional<Timestamp> sent_at;  // imported, if the metadata had a time
    std::optional<Timestamp> cart_changed_at;  // skipped for want of data: the cart's change then
    StageRow seen;  // the stage's row as the selection saw it
    std::optional<int64_t> fallback_of;  // the other channel's failed row this stage falls back from
};

struct Decision {
    enum class Kind { NotDue, Imported, Skip, Hold, Send };
    const DueCart* cart = nullptr;
    Kind kind = Kind::NotDue;
    int stage = 0;  // the stage acted on (Imported: the last stage imported)
    std::string recipient;  // Send and Hold: the address (E.164 on WhatsApp)
    std::string region;  // the recipient's country (ISO 3166 alpha-2), when known
    std::optional<SkipReason> skip_reason;  // Skip
    std::optional<HoldReason> hold_reason;  // Hold
    std::string detail;
    std::optional<Timestamp> not_before;  // Hold
    std::vector<Claim> imports;  // the previous system's reminders to record
};

// A claim as written: the ledger row that the message and its outcome belong to.
struct ClaimedStage {
    int64_t id = 0;  // the ledger row
    Timestamp claimed_at{};  // this claim's time: with the id, it names this message
    std::string cart_id;
    int stage = 0;
    Status status = Status::Claimed;  // as written
    int attempts = 0;  // attempts made before this one
    bool unlisted_before = false;  // the stage already spent its free retry of an unlisted code
};

// What the ledger records of one answer.
struct Outcome {
    std::string cart_id;
    int stage = 0;
    Status status = Status::Unknown;  // Sent, Retry, Failed, Unknown, Held
    int attempts_added = 0;
    std::optional<std::string> provider_message_id;  // Sent: the provider's id (Meta's wamid)
    std::optional<std::string> provider_recipient_id;  // Sent: the provider's id of the person (wa_id)
    std::optional<std::string> message_status;  // the provider's word for the acceptance
    std::optional<Timestamp> not_before;  // Held
    long error_code = 0;  // the provider's code, 0: none
    std::optional<std::string> error_message;
    std::string metadata_error;  // what cart metadata (public) says of a failure: code and fixed text
    bool write_metadata = false;  // false when nothing reached the provider for this cart
    bool opt_out = false;  // the provider said the person stopped: add the address
    std::optional<HoldReason> hold_reason;  // Held
    bool unlisted_answer = false;  // the answer's code is not in the provider's table: the free retry
};

}  // namespace cart_abandon
