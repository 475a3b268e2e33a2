// Erasure: a customer Medusa soft-deleted (customer.deleted_at: what Medusa does on a GDPR
// request) is never messaged again through any cart, address or phone of theirs, and the ledger
// keeps of them only what the figures need.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace pg {

// Erases the customers deleted since the last look (with an hour of overlap, for Medusa's clock
// and a run in flight then): every number on their record, saved addresses and carts' addresses
// (each read in its own address's country, else `default_region`) joins
// cart_abandon.erased_phones as its HMAC-SHA256 under the database's key; their carts' ledger
// rows and every row of those numbers lose phone, wa_id and error text; their opt-out and
// preference rows go (the hash keeps them unmessaged). Run and process calls that are not dry
// runs call it before selecting; it makes the key the first time.
void apply_erasures(const std::string& default_region);

// Of these E.164 numbers, those of erased people.
std::set<std::string> erased_phones(const std::vector<std::string>& phones);

}  // namespace pg
