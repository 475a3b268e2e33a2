// The shop's or shopper's language tag as ICU reads it.
#pragma once

#include "core/no_postgres.hpp"

#include <unicode/locid.h>

#include <string>

namespace cart_abandon {

// A BCP 47 tag ("de-DE", "en"; '_' read as '-', so "de_DE" too); empty or unreadable: English.
icu::Locale icu_locale(const std::string& tag);

// Whether `tag` is a well-formed BCP 47 language tag ("en", "de-AT", "zh-Hant-TW") whose
// language ICU knows, as ICU reads it; '_' is not BCP 47's.
bool is_language_tag(const std::string& tag);

// Its language subtag in lower case ("de" for "de-AT"); "en" when it has none.
std::string locale_language(const std::string& tag);

// The tag in BCP 47's canonical case ("pt_br" and "PT-BR" give "pt-BR"); "" when it is empty or
// not a tag with a language.
std::string canonical_locale_tag(const std::string& tag);

}  // namespace cart_abandon
