// A due cart as the selection rules see it: what the ledger says of its stages, and the facts
// Medusa's tables give about the cart, its addresses and its customer.
#pragma once

#include "core/no_postgres.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/vocabulary.hpp"
#include "core/contact/phone.hpp"
#include "core/rules/stage.hpp"

namespace cart_abandon {

// One ledger row of a cart's stage as the selection saw it: a claim takes it over only if it is
// still exactly this row (status and updated_at), so two runs cannot both take it.
struct StageRow {
    std::optional<Status> status;  // nullopt: no row yet
    Origin origin = Origin::CartAbandon;
    std::optional<SkipReason> skip_reason;
    std::optional<Timestamp> updated_at;
};

struct DueCart {
    std::string cart_id;
    CartTimeline timeline;  // as the ledger has it; the previous system's stages not yet applied
    StageRow rows[2];  // stage 1, stage 2
    Timestamp last_change;  // latest change of the cart, its addresses or its customer
    std::string notifications;  // cart.metadata.notifications as JSON text, when an object
    std::string customer_id;  // who the shopper is, for the purchases check
    std::string email;  // the cart's email, else the customer's, lower-cased
    bool consent = false;  // cart or customer metadata holds the consent key as true
    std::vector<PhoneCandidate> phones;  // shipping, billing, customer
    std::vector<std::string> provinces;  // of the address each phone was typed on
    std::vector<std::string> names;  // customer, shipping, billing first names
    bool paid = false;  // its payment was authorized or captured
    // Why Medusa refuses to complete the cart (SalesChannelDisabled, SalesChannelDeleted,
    // RegionDeleted); nullopt when it does not.
    std::optional<SkipReason> refused;
    std::string superseded_by;  // the same person's newest open cart made after this one, if any
    bool customer_erased = false;  // its customer was deleted (Medusa's soft delete: erasure)
    // Stage 1, stage 2: taken by this channel as the one fallback from another channel's failed
    // row (core/rules/channel_turn.hpp), that row's id.
    std::optional<int64_t> fallback_of[2];
};

}  // namespace cart_abandon
