// A shop's template (email or SMS) rendered with ICU MessageFormat and named arguments: plurals, numbers
// and selects per locale ("{item_count, plural, one {# item} other {# items}}").
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

// The values a template may name, and only these (kTemplateArgumentNames).
struct TemplateArguments {
    std::string customer_name;
    long long item_count = 0;  // a number: for plural
    std::string first_item_title;
    std::string cart_total;  // already formatted (format_money)
    std::string recovery_link;
    std::string unsubscribe_link;
    std::string items;  // the cart's items, already rendered for the body (an HTML table is not escaped again)
};

constexpr const char* kTemplateArgumentNames[] = {
    "customer_name", "item_count", "first_item_title", "cart_total", "recovery_link", "unsubscribe_link", "items"};

// `pattern` formatted for `locale` with `arguments`. `html`: every string argument but items is
// HTML-escaped first (item_count is a number). Throws Error InvalidText when the pattern does not
// parse (naming `what`, e.g. "the html template of stage 1 (de)", and where), InvalidArgument when
// it names an argument not in kTemplateArgumentNames or uses a number for one, or when a value
// does not fit its format (ICU's error named).
std::string render_template(const std::string& pattern, const std::string& locale, const TemplateArguments& arguments,
                            bool html, const std::string& what);

}  // namespace cart_abandon
