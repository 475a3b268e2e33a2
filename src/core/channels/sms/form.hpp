// application/x-www-form-urlencoded, as Twilio's Messages API takes its parameters and as it POSTs
// its status callbacks and inbound messages: name=value pairs joined by '&', each percent-encoded.
#pragma once

#include "core/no_postgres.hpp"

#include "core/codec/percent.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cart_abandon::twilio {

// The pairs in their order; a name may come more than once.
using FormFields = std::vector<std::pair<std::string, std::string>>;

using cart_abandon::percent_encode;  // core/codec/percent.hpp

// "name=value&name=value", both percent-encoded, in the given order.
std::string form_encode(const FormFields& fields);

// The pairs of a form body: split on '&', then on the first '='; '+' read as a space, then %XX
// decoded (libcurl's curl_easy_unescape: a '%' not starting two hex digits stays as it is). A
// pair without '=' is a name with an empty value; empty pairs are skipped.
// Throws Error InvalidArgument for a name or value over 1 GiB.
FormFields form_decode(std::string_view body);

// The first value of `name`; nullptr when the form has none.
const std::string* form_value(const FormFields& fields, std::string_view name);

}  // namespace cart_abandon::twilio
