#include "core/channels/whatsapp/opt_out_text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "core/error.hpp"

namespace cart_abandon {

namespace {

// The opt-out keywords, as people write them in the languages of WhatsApp's large markets. Each
// is folded like the messages it is compared with, so case and accents are written naturally;
// where people commonly drop an accent both spellings are listed (folding keeps accents).
// Only words whose whole-message meaning is "stop messaging me" are here: a shopper who replies
// with one of them to a cart reminder wants no more reminders.
constexpr std::string_view kOptOutWords[] = {
    // English: the carrier keywords of the CTIA guidelines and Twilio's defaults, and the label
    // of Meta's marketing opt-out button ("Stop promotions").
    "STOP",
    "STOP ALL",
    "STOPALL",
    "STOP PROMOTIONS",
    "STOP PROMOTION",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPT OUT",
    "OPTOUT",
    // Portuguese (Brazil): "envie SAIR" is the usual instruction.
    "PARAR",
    "PARE",
    "SAIR",
    "CANCELAR",
    "DESCADASTRAR",
    "PARAR PROMOÇÕES",
    "PARAR PROMOCOES",
    // Spanish (Mexico, Colombia, Argentina, Spain): "responde BAJA".
    "BAJA",
    "DAR DE BAJA",
    "DETENER",
    "ALTO",
    "DETENER PROMOCIONES",
    // French: "STOP" is the legal SMS keyword; ARRÊT is its French form.
    "ARRÊT",
    "ARRET",
    "ARRÊTER",
    "ARRETER",
    "DÉSABONNER",
    "DESABONNER",
    // German, Dutch, Italian.
    "STOPP",
    "ABMELDEN",
    "ABBESTELLEN",
    "AFMELDEN",
    "BASTA",
    "ANNULLA",
    // Indonesian and Malay.
    "BERHENTI",
    "BERHENTI LANGGANAN",
    // Hindi (Devanagari and typed in Latin letters).
    "रोकें",
    "रोको",
    "बंद करें",
    "बंद करो",
    "BAND KARO",
    "BAND KAREN",
    // Turkish: the dotted capital İ folds to i + U+0307, so both capitals are listed.
    "DUR",
    "İPTAL",
    "IPTAL",
    // Russian, Arabic (with and without the hamza).
    "СТОП",
    "ОТПИСАТЬСЯ",
    "توقف",
    "إلغاء",
    "الغاء",
};

// Longer than any keyword with generous inner spacing: such a message is a sentence.
constexpr std::size_t kMaxKeywordBytes = 128;

// What may surround a keyword: white space, controls and format characters (ZWJ, tags),
// unassigned and private-use code points (emoji newer than ICU's data), punctuation, symbols
// (emoji, skin tones, flags), enclosing marks (keycaps), variation selectors, and bytes that are
// not UTF-8 (c < 0).
bool is_edge(UChar32 c) {
    if (c < 0) return true;
    switch (u_charType(c)) {
        case U_SPACE_SEPARATOR:
        case U_LINE_SEPARATOR:
        case U_PARAGRAPH_SEPARATOR:
        case U_CONTROL_CHAR:
        case U_FORMAT_CHAR:
        case U_UNASSIGNED:
        case U_PRIVATE_USE_CHAR:
        case U_SURROGATE:
        case U_DASH_PUNCTUATION:
        case U_START_PUNCTUATION:
        case U_END_PUNCTUATION:
        case U_CONNECTOR_PUNCTUATION:
        case U_OTHER_PUNCTUATION:
        case U_INITIAL_PUNCTUATION:
        case U_FINAL_PUNCTUATION:
        case U_MATH_SYMBOL:
        case U_CURRENCY_SYMBOL:
        case U_MODIFIER_SYMBOL:
        case U_OTHER_SYMBOL:
        case U_ENCLOSING_MARK: return true;
        default: return u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR) || u_isUWhiteSpace(c);
    }
}

// Inside a keyword, a run of these is one space: "opt-out", "opt_out" and "opt  out" are alike.
bool is_inner_gap(UChar32 c) {
    const int8_t type = u_charType(c);
    return u_isUWhiteSpace(c) || type == U_CONTROL_CHAR || type == U_DASH_PUNCTUATION ||
           type == U_CONNECTOR_PUNCTUATION;
}

const icu::Normalizer2& nfkc_casefold() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* instance = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status) || instance == nullptr)
        throw Error(ErrorKind::Internal, "ICU's NFKC case folding is not available", u_errorName(status));
    return *instance;
}

// The trimmed, gap-collapsed and folded form of `text`; "" when it is too long or not UTF-8.
std::string fold(std::string_view text) {
    if (text.size() > std::size_t(INT32_MAX)) return std::string();
    const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
    int32_t start = 0;
    int32_t end = int32_t(text.size());
    for (int32_t next = start; start < end; start = next) {
        UChar32 c;
        U8_NEXT(bytes, next, end, c);
        if (!is_edge(c)) break;
    }
    for (int32_t previous = end; end > start; end = previous) {
        UChar32 c;
        U8_PREV(bytes, start, previous, c);
        if (!is_edge(c)) break;
    }
    if (std::size_t(end - start) > kMaxKeywordBytes) return std::string();

    icu::UnicodeString collapsed;
    bool gap = false;
    for (int32_t i = start; i < end;) {
        UChar32 c;
        U8_NEXT(bytes, i, end, c);
        if (c < 0) return std::string();  // inside a keyword nothing is left unread
        if (is_inner_gap(c)) {
            gap = true;
            continue;
        }
        if (gap) collapsed.append(UChar(' '));
        gap = false;
        collapsed.append(c);
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString folded = nfkc_casefold().normalize(collapsed, status);
    if (U_FAILURE(status)) return std::string();
    std::string out;
    folded.toUTF8String(out);
    return out;
}

const std::unordered_set<std::string>& folded_keywords() {
    static const std::unordered_set<std::string> keywords = [] {
        std::unordered_set<std::string> out;
        for (std::string_view word : kOptOutWords) out.insert(fold(word));
        out.erase(std::string());
        return out;
    }();
    return keywords;
}

}  // namespace

bool is_opt_out_text(const std::string& text) {
    const std::string folded = fold(text);
    return !folded.empty() && folded_keywords().count(folded) > 0;
}

}  // namespace cart_abandon
