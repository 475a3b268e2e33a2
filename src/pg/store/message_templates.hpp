// The shop's own wording (cart_abandon.message_templates, checked when written).
#pragma once

#include "core/channels/email/templates.hpp"

namespace pg {

// The email templates, by stage and locale (a NULL field: the built-in wording's).
cart_abandon::EmailTemplateSet load_email_templates();

}  // namespace pg
