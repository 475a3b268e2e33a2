#include "core/channels/email/templates.hpp"

#include <iterator>

#include "core/channels/email/default_templates.hpp"
#include "core/channels/email/locale.hpp"
#include "core/channels/email/template_check.hpp"
#include "core/error.hpp"

namespace cart_abandon {

namespace {

int stage_of(int stage) { return stage <= 1 ? 1 : 2; }

std::string language_of(const std::string& canonical) { return canonical.empty() ? "" : locale_language(canonical); }

}  // namespace

void EmailTemplateSet::add(int stage, const std::string& locale, EmailTemplates templates) {
    if (stage != 1 && stage != 2)
        throw Error(ErrorKind::InvalidArgument, "email templates: stage " + std::to_string(stage) + " does not exist",
                    "", "A reminder has stage 1 or 2.");
    const std::string canonical = canonical_locale_tag(locale);
    if (canonical.empty())
        throw Error(ErrorKind::InvalidArgument,
                    "email templates of stage " + std::to_string(stage) + ": \"" + locale + "\" is not a language tag",
                    "", "Use a BCP 47 tag such as en, de or pt-BR.");
    entries_[{stage, canonical}] = std::move(templates);
}

ChosenTemplates EmailTemplateSet::choose(int stage, const std::string& locale,
                                         const std::string& default_locale) const {
    const std::string mine = canonical_locale_tag(locale), shop = canonical_locale_tag(default_locale);
    const std::string chain[] = {mine, language_of(mine), shop, language_of(shop)};
    for (std::size_t i = 0; i < std::size(chain); ++i) {
        if (chain[i].empty()) continue;
        const auto found = entries_.find({stage_of(stage), chain[i]});
        if (found == entries_.end()) continue;
        // The shop's templates in the shopper's language are read with the shopper's region.
        const bool shoppers = i < 2 || language_of(mine) == language_of(shop);
        return {found->second, shoppers ? mine : shop};
    }
    if (!mine.empty() && has_default_email_templates(mine)) return {{}, mine};
    if (!shop.empty() && has_default_email_templates(shop)) return {{}, shop};
    return {{}, "en"};
}

EmailTemplates EmailTemplateSet::pick(int stage, const std::string& locale, const std::string& default_locale) const {
    ChosenTemplates chosen = choose(stage, locale, default_locale);
    const DefaultEmailTemplates& defaults = default_email_templates(stage, chosen.locale);
    EmailTemplates& t = chosen.templates;
    if (t.subject.empty()) t.subject = defaults.subject;
    if (t.text.empty()) t.text = defaults.text;
    if (t.html.empty()) t.html = defaults.html;
    return t;
}

std::string email_template_name(const char* field, bool shops, int stage, const std::string& locale) {
    return std::string("the ") + (shops ? "shop's " : "default ") + field + " template of stage " +
           std::to_string(stage) + " (" + (locale.empty() ? "en" : locale) + ")";
}

void validate_email_templates(const EmailTemplateSet& templates) {
    for (const auto& [key, set] : templates.entries()) {
        const auto& [stage, locale] = key;
        // The table's names of the fields: the text is the body.
        const std::pair<const char*, const std::string*> fields[] = {
            {"subject", &set.subject}, {"body", &set.text}, {"html", &set.html}};
        for (const auto& [field, pattern] : fields) {
            if (pattern->empty()) continue;
            try {
                check_message_template("email", field, locale, *pattern);
            } catch (const Error& e) {
                throw Error(e.kind(), "stage " + std::to_string(stage) + ": " + e.what(), e.detail(), e.hint());
            }
        }
    }
}

}  // namespace cart_abandon
