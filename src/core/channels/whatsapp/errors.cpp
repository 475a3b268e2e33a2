#include "core/channels/whatsapp/errors.hpp"

namespace cart_abandon {

namespace {

OutcomeKind kind_for_code(long code, long subcode) {
    switch (code) {
        case 130429:  // throughput cap
        case 131056:  // pair rate limit (this recipient only)
        case 4:
        case 17:
        case 32:
        case 613:
        case 80007:  // Graph's app / user / page / per-call / account limits
        case 1:
        case 2:
        case 131000:
        case 131016:
        case 133004:  // temporary service errors
        case 131057:  // account in maintenance
            return OutcomeKind::Transient;
        case 190:  // token expired or invalid
        case 0:
        case 3:
        case 10:
        case 131005:  // auth / permission
        case 368:
        case 131031:
        case 131042:
        case 131048:  // blocked, locked, billing, spam rate
        case 131045:
        case 133010:  // business number not registered
        // Template and account configuration: the same answer for every message.
        case 132000:
        case 132001:
        case 132005:
        case 132007:
        case 132012:
        case 132015:
        case 132016:
        case 132018:
        case 131063:  // marketing disabled on /messages: use the Marketing Messages API
        case 131064:  // account-wide limit after template-category violations
        case 131037:  // the display name of a 555 number is not approved yet
            return OutcomeKind::ChannelFatal;
        case 130497:  // the business may not message users in the recipient's country
            return OutcomeKind::CountryRestricted;
        case 100:
            // GraphMethodException subcode 33: the phone-number id does not exist for this token.
            return subcode == 33 ? OutcomeKind::ChannelFatal : OutcomeKind::Permanent;
        case 131049:  // Meta's per-user marketing cap: not delivered, wait at least 24 h
            return OutcomeKind::Deferred;
        default:
            if (code >= 200 && code <= 299) return OutcomeKind::ChannelFatal;  // permission family
            // 131026, 131021, 130472, 131047, 131050, 131008, 131009, 131062 (a BSUID recipient
            // this message cannot go to), 137000 (the recipient's identity key changed: the number
            // may be someone else's now, so never resent) and anything new: retrying the same
            // request would not change Meta's answer. (A code not in the table is retried once
            // by the ledger: is_listed_code.)
            return OutcomeKind::Permanent;
    }
}

}  // namespace

OutcomeKind classify_error_code(long code, long subcode) { return kind_for_code(code, subcode); }

std::string channel_pause_reason(long code, const std::string& error_text, bool by_webhook) {
    return "channel paused by error " + std::to_string(code) + (by_webhook ? " (a status webhook): " : ": ") +
           error_text;
}

bool is_ambiguous_code(long code) {
    switch (code) {
        case 100:
        case 131008:
        case 131009:
        case 135000: return true;
        // Meta's answers about this recipient or this message alone.
        case 131026:
        case 131021:
        case 130472:
        case 131047:
        case 131049:
        case 131050:
        case 137000: return false;
        default:
            // Anything Meta's table does not name: treated like a parameter error.
            return kind_for_code(code, 0) == OutcomeKind::Permanent;
    }
}

std::string channel_pause_advice(long code, long subcode) {
    switch (code) {
        case 131063:
            return "Marketing templates are disabled on /messages for this number: set "
                   "cart_abandon.whatsapp_endpoint = 'marketing_messages' (the Marketing Messages API) where the "
                   "runs read it (postgresql.conf, or ALTER DATABASE ... SET).";
        case 131064:
            return "Meta limits the account after template-category violations until the enforcement period "
                   "ends; the next run probes again.";
        case 131037:
            return "Meta has not approved the display name of this 555 number yet: check its status in WhatsApp "
                   "Manager (Phone numbers > Name); the next run probes again once it is approved.";
        case 132018:
            return "A template parameter holds a newline, a tab or more than 4 spaces in a row: check "
                   "cart_abandon.cart_url and default_customer_name.";
        case 132015: return "Meta paused the template for low quality (3 h, then 6 h); the next run probes again.";
        case 132016: return "Meta disabled the template: set cart_abandon.template_first/_second to an approved one.";
        case 132001:
            return "No approved template of that name in that language: check cart_abandon.template_first, "
                   "template_second and template_language against WhatsApp Manager.";
        case 100:
            if (subcode == 33)
                return "Meta does not know this phone-number id for this token: check "
                       "cart_abandon.whatsapp_phone_number_id.";
            return "Every request got error 100: when Meta's text names appsecret_proof, the app requires it "
                   "(set cart_abandon.whatsapp_app_secret_file); else check the templates' parameters against "
                   "WhatsApp Manager, cart_abandon.cart_url and default_customer_name.";
        case 190:
            return "The access token expired or is invalid: replace it (cart_abandon.whatsapp_token_file, or "
                   "cart_abandon.whatsapp_token).";
        default: break;
    }
    if (is_ambiguous_code(code))
        return "Every request got the same error: check the templates' parameters against WhatsApp Manager, "
               "cart_abandon.cart_url and default_customer_name.";
    return "";
}

bool is_account_rate_limit(const DeliveryOutcome& outcome) {
    switch (outcome.error_code) {
        case 130429:
        case 4:
        case 17:
        case 32:
        case 613:
        case 80007: return true;
        case 0: return outcome.kind == OutcomeKind::Transient && outcome.error_text.rfind("HTTP 429", 0) == 0;
        default: return false;
    }
}

bool is_listed_code(long code) {
    switch (code) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4:
        case 10:
        case 17:
        case 32:
        case 100:
        case 190:
        case 368:
        case 613:
        case 80007:
        case 130429:
        case 130472:
        case 130497:
        case 131000:
        case 131005:
        case 131008:
        case 131009:
        case 131016:
        case 131021:
        case 131026:
        case 131031:
        case 131037:
        case 131042:
        case 131045:
        case 131047:
        case 131048:
        case 131049:
        case 131050:
        case 131056:
        case 131057:
        case 131062:
        case 131063:
        case 131064:
        case 132000:
        case 132001:
        case 132005:
        case 132007:
        case 132012:
        case 132015:
        case 132016:
        case 132018:
        case 133004:
        case 133010:
        case 135000:
        case 137000: return true;
        default: return code >= 200 && code <= 299;
    }
}

bool is_unlisted_failure(const DeliveryOutcome& outcome) {
    return outcome.kind == OutcomeKind::Permanent && outcome.error_code != 0 && !is_listed_code(outcome.error_code);
}

namespace {

// Meanings from the error table of docs/whatsapp-cloud-api.md, in its order.
const char* error_meaning(long code) {
    switch (code) {
        case 130429: return "rate limit";
        case 131056: return "too many messages to this user";
        case 4: return "app call rate limit";
        case 80007: return "business account rate limit";
        case 1: return "unknown API error";
        case 2: return "API service temporarily unavailable";
        case 131000: return "something went wrong";
        case 131016: return "service unavailable";
        case 133004: return "server temporarily unavailable";
        case 131057: return "account in maintenance";
        case 131049: return "not delivered to keep engagement healthy";
        case 131050: return "the user stopped marketing messages";
        case 131026: return "message undeliverable";
        case 130472: return "user is part of a Meta experiment";
        case 131021: return "recipient is the sender";
        case 131047: return "more than 24 hours since the user last replied";
        case 100: return "invalid parameter";
        case 131008: return "required parameter missing";
        case 131009: return "parameter value not valid";
        case 135000: return "generic user error";
        case 132000: return "wrong number of template parameters";
        case 132001: return "template does not exist";
        case 132005: return "template text too long";
        case 132007: return "template format character policy violated";
        case 132012: return "template parameter format mismatch";
        case 132018: return "template parameter text not accepted";
        case 132015: return "template paused for low quality";
        case 132016: return "template disabled";
        case 131063: return "marketing messages need the Marketing Messages API";
        case 131064: return "account limited after template violations";
        case 131005: return "access denied";
        case 10: return "permission denied";
        case 131045: return "business phone number not registered";
        case 133010: return "business phone number not registered";
        case 190: return "access token expired or invalid";
        case 3: return "capability or permissions missing";
        case 368: return "temporarily blocked for policy violations";
        case 131031: return "account locked";
        case 131042: return "payment problem";
        case 131048: return "spam rate limit";
        // Newer codes (2026).
        case 17: return "user call rate limit";
        case 32: return "page call rate limit";
        case 613: return "call rate limit";
        case 130497: return "business restricted from messaging users in this country";
        case 131037: return "display name of the number not approved";
        case 131062: return "business-scoped user id not supported";
        case 137000: return "recipient identity key changed";
        default: return code >= 200 && code <= 299 ? "permission denied" : nullptr;
    }
}

}  // namespace

std::string error_summary(long meta_error_code) {
    // 0 is also Meta's code for an authentication failure, but here it means "no code at all".
    if (meta_error_code == 0) return kNoCodeSummary;
    std::string summary = "Meta error " + std::to_string(meta_error_code);
    if (const char* meaning = error_meaning(meta_error_code)) summary.append(": ").append(meaning);
    return summary;
}

}  // namespace cart_abandon
