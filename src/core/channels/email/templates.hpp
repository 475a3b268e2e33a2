// The shop's email templates per stage and language, which of them a reminder uses (its shopper's
// language first, then the shop's, then the defaults of default_templates.hpp), and the check that
// refuses a template that cannot render before anything is sent.
#pragma once

#include "core/no_postgres.hpp"

#include <map>
#include <string>
#include <utility>

namespace cart_abandon {

// One stage's subject, text body and HTML body in one language: ICU MessageFormat patterns with
// the named arguments of template_render.hpp. A field left empty is the default's.
struct EmailTemplates {
    std::string subject;
    std::string text;
    std::string html;
};

struct ChosenTemplates {
    EmailTemplates templates;  // the shop's that fit; every field empty when none did (the defaults)
    // The locale to render them in (plurals, amounts; the defaults' language): the shopper's when
    // the templates are in its language, else the one they were found under.
    std::string locale;
};

class EmailTemplateSet {
public:
    // The shop's templates of `stage` (1 or 2) for the BCP 47 `locale` ("pt-BR", "pt_BR" and
    // "pt-br" are one); a second add for the same pair replaces the first. Throws Error
    // InvalidArgument for another stage or a locale that is not a tag with a language.
    void add(int stage, const std::string& locale, EmailTemplates templates);

    // The shop's templates for a reminder of `stage` (above 2 reads as 2) to a shopper of `locale`
    // ("" or unreadable: none), the shop's default being `default_locale`: the first found under
    // the locale, its language ("pt-BR" then "pt"), the default locale, its language; none of them:
    // the defaults in the shopper's language when they have it, else in the default locale's, else
    // English.
    ChosenTemplates choose(int stage, const std::string& locale, const std::string& default_locale) const;

    // choose()'s templates with every empty field the default's in their language.
    EmailTemplates pick(int stage, const std::string& locale, const std::string& default_locale) const;

    // Every (stage, canonical locale) and its templates.
    const std::map<std::pair<int, std::string>, EmailTemplates>& entries() const { return entries_; }

private:
    std::map<std::pair<int, std::string>, EmailTemplates> entries_;
};

// How an error names a template: "the shop's html template of stage 2 (pt-BR)", "the default ...".
std::string email_template_name(const char* field, bool shops, int stage, const std::string& locale);

// Checks every field the shop set as its table's CHECK does (check_message_template: rendered
// once with sample values in its locale). Throws that Error, "stage N: " before its message (which
// names the field and locale), for the first that does not parse, names an unknown argument,
// cannot be filled in, or (a subject) renders a line break.
void validate_email_templates(const EmailTemplateSet& templates);

}  // namespace cart_abandon
