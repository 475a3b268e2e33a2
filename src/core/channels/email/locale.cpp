#include "core/channels/email/locale.hpp"

#include <optional>

namespace cart_abandon {

namespace {

// The tag as ICU reads it; nullopt when it is not a tag with a language.
std::optional<icu::Locale> read_tag(const std::string& tag) {
    std::string bcp47 = tag;
    for (char& c : bcp47) c = c == '_' ? '-' : c;
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale locale = icu::Locale::forLanguageTag(bcp47, status);
    if (U_FAILURE(status) || locale.isBogus() || *locale.getLanguage() == '\0') return std::nullopt;
    return locale;
}

}  // namespace

icu::Locale icu_locale(const std::string& tag) { return read_tag(tag).value_or(icu::Locale::getEnglish()); }

bool is_language_tag(const std::string& tag) {
    if (tag.empty() || tag.find_first_of("_\0", 0, 2) != std::string::npos) return false;
    UErrorCode status = U_ZERO_ERROR;
    const icu::Locale locale = icu::Locale::forLanguageTag(tag, status);
    // ISO 639's code of the language: "" for one ICU does not know ("english", "xx").
    return U_SUCCESS(status) && !locale.isBogus() && *locale.getLanguage() != '\0' && *locale.getISO3Language() != '\0';
}

std::string locale_language(const std::string& tag) { return icu_locale(tag).getLanguage(); }

std::string canonical_locale_tag(const std::string& tag) {
    const std::optional<icu::Locale> locale = read_tag(tag);
    if (!locale) return "";
    UErrorCode status = U_ZERO_ERROR;
    std::string canonical = locale->toLanguageTag<std::string>(status);
    return U_FAILURE(status) ? "" : canonical;
}

}  // namespace cart_abandon
