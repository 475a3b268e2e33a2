#include "pg/store/sms_replies.hpp"

#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

Statement add_statement(R"SQL(
INSERT INTO cart_abandon.opt_outs (kind, address, source, reason)
VALUES ('phone', $1, 'sms_stop', 'the person texted an opt-out word to the shop''s SMS number')
ON CONFLICT (kind, address) DO NOTHING
)SQL",
                        {TEXTOID});

Statement remove_statement(R"SQL(
DELETE FROM cart_abandon.opt_outs
 WHERE kind = 'phone' AND address = $1 AND source IN ('sms_stop', 'twilio_21610')
)SQL",
                           {TEXTOID});

}  // namespace

uint64_t add_sms_opt_out(const std::string& number) { return add_statement.run({text_value(number)}); }

uint64_t remove_sms_opt_out(const std::string& number) { return remove_statement.run({text_value(number)}); }

}  // namespace pg
