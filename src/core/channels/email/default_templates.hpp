// The templates a reminder email uses when the shop has none of its own: subject, text body and
// HTML body per stage, in English and German, as ICU MessageFormat patterns (template_render.hpp).
#pragma once

#include "core/no_postgres.hpp"

#include <string>

namespace cart_abandon {

struct DefaultEmailTemplates {
    const char* subject;
    const char* text;
    const char* html;
};

// The defaults of `stage` (1 or 2; anything above 2 reads as 2) for the language of `locale`:
// German for "de" and its regions, English for every other language.
const DefaultEmailTemplates& default_email_templates(int stage, const std::string& locale);

// Whether the defaults are written in the language of `locale` (English and German), rather than
// English standing in for it.
bool has_default_email_templates(const std::string& locale);

}  // namespace cart_abandon
