#include "pg/store/message_templates.hpp"

#include "pg/base/spi_values.hpp"
#include "pg/base/spi.hpp"

namespace pg {

namespace {

Statement email_templates_statement(R"SQL(
SELECT t.stage, t.locale, coalesce(t.subject, ''), coalesce(t.body, ''), coalesce(t.html, '')
  FROM cart_abandon.message_templates t
 WHERE t.channel = 'email'
 ORDER BY t.stage, t.locale
)SQL",
                                    {});

}  // namespace

cart_abandon::EmailTemplateSet load_email_templates() {
    cart_abandon::EmailTemplateSet templates;
    const auto rows = email_templates_statement.execute({});
    for (uint64_t row = 0; row < rows; ++row)
        templates.add(int(cell_int(row, 0).value_or(1)), cell_text_or_empty(row, 1),
                      {cell_text_or_empty(row, 2), cell_text_or_empty(row, 3), cell_text_or_empty(row, 4)});
    release_result();
    return templates;
}

}  // namespace pg
