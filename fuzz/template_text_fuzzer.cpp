// Any shopper-typed name, checked with ICU against the rules of core/message.hpp: the cleaned
// text is valid UTF-8 with no control, separator or Unicode space but U+0020, no format
// character but a ZWJ or ZWNJ between two non-spaces or emoji tag sequences, no run of
// spaces, no space at either end, at most the limit in code points, every cluster a space or
// holding a visible character; it is the longest prefix of whole grapheme clusters of the uncut
// cleaning that fits (ending neither in a joiner nor in a space), and cleaning it again changes
// nothing. Any link built from the input is printable ASCII with no space, and building it again
// from itself changes nothing. The payload built from the text is JSON.
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/content/message.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

// The code points of valid UTF-8; aborts on anything else.
std::vector<UChar32> code_points(const std::string& s) {
    std::vector<UChar32> out;
    const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
    const auto length = int32_t(s.size());
    for (int32_t i = 0; i < length;) {
        UChar32 c;
        U8_NEXT(bytes, i, length, c);
        require(c >= 0);
        out.push_back(c);
    }
    return out;
}

std::size_t count_code_points(const std::string& s, std::size_t end) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < end; ++i) n += (uint8_t(s[i]) & 0xC0) != 0x80;
    return n;
}

bool is_joiner(UChar32 c) { return c == 0x200C || c == 0x200D; }

// Byte offsets of the grapheme cluster boundaries of s, 0 and s.size() included.
std::vector<std::size_t> cluster_boundaries(const std::string& s) {
    static std::unique_ptr<icu::BreakIterator> clusters = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::BreakIterator> it(
            icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
        require(U_SUCCESS(status));
        return it;
    }();
    UErrorCode status = U_ZERO_ERROR;
    icu::LocalUTextPointer text(utext_openUTF8(nullptr, s.data(), int64_t(s.size()), &status));
    clusters->setText(text.getAlias(), status);
    require(U_SUCCESS(status));
    std::vector<std::size_t> out;
    for (int32_t b = clusters->first(); b != icu::BreakIterator::DONE; b = clusters->next())
        out.push_back(std::size_t(b));
    return out;
}

bool is_visible_base(UChar32 c) {
    const int32_t gcb = u_getIntPropertyValue(c, UCHAR_GRAPHEME_CLUSTER_BREAK);
    return c != ' ' && gcb != U_GCB_EXTEND && gcb != U_GCB_ZWJ && gcb != U_GCB_SPACING_MARK && gcb != U_GCB_PREPEND &&
           gcb != U_GCB_CONTROL && gcb != U_GCB_CR && gcb != U_GCB_LF;
}

bool is_tag(UChar32 c) { return c >= 0xE0020 && c <= 0xE007F; }

// Tags (Cf) only as one emoji tag sequence: an emoji base first, a run of tags ending in CANCEL TAG.
bool element_tags_form_a_sequence(const std::vector<UChar32>& element) {
    std::size_t first = 0;
    while (first < element.size() && !is_tag(element[first])) ++first;
    if (first == element.size()) return true;
    std::size_t end = first;
    while (end < element.size() && is_tag(element[end])) ++end;
    for (std::size_t i = end; i < element.size(); ++i)
        if (is_tag(element[i])) return false;
    // The base is the first code point after any Prepend (e.g. U+0D4E before an emoji).
    std::size_t base = 0;
    while (base < first && u_getIntPropertyValue(element[base], UCHAR_GRAPHEME_CLUSTER_BREAK) == U_GCB_PREPEND) ++base;
    return base < first && u_hasBinaryProperty(element[base], UCHAR_EMOJI) && end - first >= 2 &&
           element[end - 1] == 0xE007F;
}

// UTS #51: an emoji ZWJ sequence's elements may each be an emoji tag sequence (a flag of
// England joined to a person is one cluster with a tag run per element), so the rule holds per
// element: the parts of the cluster between ZWJs.
bool tags_form_sequences(const std::vector<UChar32>& cluster) {
    std::vector<UChar32> element;
    for (std::size_t i = 0; i <= cluster.size(); ++i) {
        if (i < cluster.size() && cluster[i] != 0x200D) {
            element.push_back(cluster[i]);
            continue;
        }
        if (!element_tags_form_a_sequence(element)) return false;
        element.clear();
    }
    return true;
}

void check_characters(const std::string& cleaned, std::size_t limit) {
    const auto cps = code_points(cleaned);
    require(cps.size() <= limit);
    for (std::size_t i = 0; i < cps.size(); ++i) {
        const UChar32 c = cps[i];
        const int8_t type = u_charType(c);
        require(type != U_CONTROL_CHAR && type != U_LINE_SEPARATOR && type != U_PARAGRAPH_SEPARATOR);
        require(type != U_SPACE_SEPARATOR || c == ' ');
        if (type == U_FORMAT_CHAR && !is_tag(c))
            require(is_joiner(c) && i > 0 && i + 1 < cps.size() && cps[i - 1] != ' ' && cps[i + 1] != ' ');
    }
    require(cleaned.find("  ") == std::string::npos);
    require(cleaned.empty() || (cleaned.front() != ' ' && cleaned.back() != ' '));
    // Every cluster is a space or holds a visible character: not empty means visible.
    const auto boundaries = cluster_boundaries(cleaned);
    for (std::size_t k = 0; k + 1 < boundaries.size(); ++k) {
        const std::string cluster = cleaned.substr(boundaries[k], boundaries[k + 1] - boundaries[k]);
        const auto cluster_cps = code_points(cluster);
        bool visible = cluster == " ";
        for (UChar32 c : cluster_cps) visible = visible || is_visible_base(c);
        require(visible);
        require(tags_form_sequences(cluster_cps));
    }
}

// `cleaned` is the longest fitting prefix of whole clusters of `full`, the uncut cleaning.
void check_cut(const std::string& cleaned, const std::string& full, std::size_t limit) {
    require(full.compare(0, cleaned.size(), cleaned) == 0);
    if (cleaned.size() == full.size()) return;
    bool at_boundary = false;
    for (std::size_t b : cluster_boundaries(full)) {
        at_boundary = at_boundary || b == cleaned.size();
        if (b <= cleaned.size()) continue;
        if (count_code_points(full, b) > limit) break;
        const auto before = code_points(full.substr(0, b)).back();
        const bool trimmed_space = b == cleaned.size() + 1 && full[cleaned.size()] == ' ';
        require(is_joiner(before) || trimmed_space);  // else a longer prefix fitted
    }
    require(at_boundary);
}

void check_link(const std::string& pattern, const std::string& cart_id) {
    const std::string link = cart_abandon::cart_link(pattern, cart_id);
    for (char c : link) require(c > ' ' && c < 0x7F);
    require(cart_abandon::cart_link(link, cart_id) == link);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::size_t limit = 1 + (size % 80);
    const std::string cleaned = cart_abandon::clean_template_text(text, limit);
    const std::string full = cart_abandon::clean_template_text(text, std::numeric_limits<std::size_t>::max());
    check_characters(cleaned, limit);
    check_characters(full, std::numeric_limits<std::size_t>::max());
    check_cut(cleaned, full, limit);
    require(cart_abandon::clean_template_text(text, limit + 7).compare(0, cleaned.size(), cleaned) == 0);
    require(cart_abandon::clean_template_text(cleaned, limit) == cleaned);
    require(cart_abandon::clean_template_text(full, std::numeric_limits<std::size_t>::max()) == full);

    const std::string name = cart_abandon::choose_customer_name({text}, "there");
    const std::string name_cleaned = cart_abandon::clean_template_text(text, 60);
    require(name == (name_cleaned.empty() ? "there" : name_cleaned));

    const std::size_t half = size / 2;
    check_link(text, text.substr(half));
    check_link(text.substr(0, half) + "{cart_id}" + text.substr(half), text.substr(0, half));

    const auto payload = cart_abandon::whatsapp_payload({"+4915123456789", "t", "en", {cleaned, text}});
    require(!nlohmann::json::parse(payload, nullptr, false).is_discarded());
    return 0;
}
