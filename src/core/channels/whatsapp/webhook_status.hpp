// Meta's message statuses as the ledger's status events: what a failed status's code does to its
// stage (Meta's error table, docs/whatsapp-cloud-api.md), and the event of one status.
#pragma once

#include "core/no_postgres.hpp"

#include "core/model/event.hpp"
#include "core/model/vocabulary.hpp"
#include "core/channels/whatsapp/webhook.hpp"

namespace cart_abandon {

// 131050 -> OptOut; a code the table does not name -> Recheck (the stage's first such answer is
// a retry that spends no attempt, a second closes it); 131049 -> Defer; transient codes and 130497
// (that country's carts are held until Meta lets the business message it again) -> Retry;
// the channel's codes -> Pause; every other code -> Close.
FailureAction failure_action(long code);

// The event of one status: its message, time and person; the ledger row its callback data names;
// and for a failed one, what it does (a failure without a code is rechecked like an unlisted
// code, and records none: it is not Meta's code 0, which pauses the channel).
StatusEvent status_event(const StatusUpdate& status);

}  // namespace cart_abandon
