// What a person texts to the shop's SMS number changes the opt-out list: STOP (and Twilio's other
// opt-out words, or another language's) adds the number, START (YES, UNSTOP) takes it off again
// when SMS put it there. Statements in src/pg/store/sms_replies.cpp.
#pragma once

#include <cstdint>
#include <string>

namespace pg {

// Adds `number` (E.164) to cart_abandon.opt_outs for every channel on numbers (source sms_stop);
// one already there stays as it was. Returns 1 when added, else 0.
uint64_t add_sms_opt_out(const std::string& number);

// Removes `number`'s opt-out when SMS made it (sources sms_stop and twilio_21610): a stop made on
// WhatsApp or by the shop stays. Returns 1 when removed, else 0.
uint64_t remove_sms_opt_out(const std::string& number);

}  // namespace pg
