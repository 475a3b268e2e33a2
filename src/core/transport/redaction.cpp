#include "core/transport/redaction.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace cart_abandon {

namespace {

constexpr std::size_t kNowhere = std::string::npos;

// One way an echo writes one byte: the byte itself, or an escape of it.
struct Writing {
    char bytes[6];
    std::size_t size;
};

// The writings of `byte` (the byte itself first); returns how many (at most kMaxWritings).
constexpr std::size_t kMaxWritings = 5;
std::size_t writings_of(unsigned char byte, Writing (&out)[kMaxWritings]) {
    static const char kHex[] = "0123456789ABCDEF";
    const char high = kHex[byte >> 4], low = kHex[byte & 15];
    std::size_t count = 0;
    out[count++] = {{char(byte)}, 1};
    out[count++] = {{'%', high, low}, 3};
    if (byte == ' ') out[count++] = {{'+'}, 1};  // form encoding
    if (byte == '/' || byte == '"' || byte == '\\') out[count++] = {{'\\', char(byte)}, 2};
    static const char kJsonShort[][2] = {{'\b', 'b'}, {'\f', 'f'}, {'\n', 'n'}, {'\r', 'r'}, {'\t', 't'}};
    for (const auto& escape : kJsonShort)
        if (byte == uint8_t(escape[0])) out[count++] = {{'\\', escape[1]}, 2};
    if (byte < 0x80) out[count++] = {{'\\', 'u', '0', '0', high, low}, 6};
    return count;
}

char folded(char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; }

struct Secret {
    std::string bytes;
    std::array<bool, 256> starts{};  // the bytes a writing of it can start with (most text cannot)
    std::size_t longest = 0;  // bytes of its longest writing
};

std::vector<Secret> compile(const Secrets& secrets) {
    std::vector<Secret> compiled;
    for (const std::string& bytes : secrets) {
        if (bytes.empty()) continue;
        Secret secret{bytes, {}, 0};
        Writing writings[kMaxWritings];
        for (char c : bytes) {
            const std::size_t count = writings_of(uint8_t(c), writings);
            std::size_t longest = 0;
            for (std::size_t w = 0; w < count; ++w) longest = std::max(longest, writings[w].size);
            secret.longest += longest;
        }
        // Escapes start with '%', '+' or '\\', never with a letter: no other case to add.
        const std::size_t count = writings_of(uint8_t(bytes[0]), writings);
        for (std::size_t w = 0; w < count; ++w) secret.starts[uint8_t(writings[w].bytes[0])] = true;
        compiled.push_back(std::move(secret));
    }
    return compiled;
}

// Where a secret written from text[from] on ends (its longest writing), or kNowhere. Sets
// `runs_out` when the text ends inside some writing of it: the text's end is a prefix of it.
// Escapes may be mixed freely, so every writing is followed (a set of positions per byte).
std::size_t written_to(const std::string& text, std::size_t from, const Secret& secret, bool& runs_out) {
    if (from < text.size() && !secret.starts[uint8_t(text[from])]) return kNowhere;
    std::vector<std::size_t> ends{from}, next;
    Writing writings[kMaxWritings];
    for (const char byte : secret.bytes) {
        const std::size_t count = writings_of(uint8_t(byte), writings);
        next.clear();
        for (const std::size_t at : ends) {
            if (at == text.size()) {
                runs_out = true;
                continue;
            }
            for (std::size_t w = 0; w < count; ++w) {
                const Writing& writing = writings[w];
                std::size_t n = 0;
                // Escapes' hex digits and letters in either case; the byte itself exactly.
                while (n < writing.size && at + n < text.size() &&
                       (w == 0 ? writing.bytes[n] == text[at + n] : folded(writing.bytes[n]) == folded(text[at + n])))
                    ++n;
                if (n == writing.size)
                    next.push_back(at + n);
                else if (at + n == text.size())
                    runs_out = true;
            }
        }
        std::sort(next.begin(), next.end());
        next.erase(std::unique(next.begin(), next.end()), next.end());
        ends.swap(next);
        if (ends.empty()) return kNowhere;
    }
    return ends.back();
}

// Where the longest writing of any secret starting at text[from] ends, or kNowhere.
std::size_t secret_end(const std::string& text, std::size_t from, const std::vector<Secret>& secrets) {
    std::size_t end = kNowhere;
    for (const Secret& secret : secrets) {
        bool runs_out = false;
        const std::size_t e = written_to(text, from, secret, runs_out);
        if (e != kNowhere && (end == kNowhere || e > end)) end = e;
    }
    return end;
}

std::string redacted(const std::string& text, const std::vector<Secret>& secrets) {
    if (secrets.empty()) return text;
    std::array<bool, 256> starts{};
    for (const Secret& secret : secrets)
        for (std::size_t b = 0; b < starts.size(); ++b) starts[b] = starts[b] || secret.starts[b];
    std::string out;
    std::size_t copied = 0;  // text before it is in `out`
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = starts[uint8_t(text[at])] ? secret_end(text, at, secrets) : kNowhere;
        if (end == kNowhere) {
            ++at;
            continue;
        }
        out.append(text, copied, at - copied);
        out += kRedacted;
        at = copied = end;
    }
    return out.append(text, copied, std::string::npos);
}

// Removes the end of a cut text where a secret begins. Again until none does: what a removal
// leaves may itself end like one ("xy" of "xyz" once "x" after it went).
void drop_secret_start(std::string& text, const std::vector<Secret>& secrets) {
    for (bool dropped = true; dropped;) {
        dropped = false;
        for (const Secret& secret : secrets) {
            // Only a writing that starts this close to the end can run out there.
            for (std::size_t at = text.size() - std::min(text.size(), secret.longest); at < text.size(); ++at) {
                bool runs_out = false;
                written_to(text, at, secret, runs_out);
                if (runs_out) {
                    text.resize(at);
                    dropped = true;
                    break;
                }
            }
        }
    }
}

}  // namespace

std::string redact(std::string text, const Secrets& secrets) { return redacted(text, compile(secrets)); }

bool holds_secret(const std::string& text, const Secrets& secrets) {
    const auto compiled = compile(secrets);
    for (std::size_t at = 0; at < text.size() && !compiled.empty(); ++at)
        if (secret_end(text, at, compiled) != kNowhere) return true;
    return false;
}

std::string recordable(std::string text, const Secrets& secrets, std::size_t max_bytes, bool cut_before) {
    const auto compiled = compile(secrets);
    text = redacted(text, compiled);
    bool cut = cut_before, marked = false;
    if (text.size() > max_bytes) {
        // Never half a UTF-8 sequence at the cut.
        int32_t at = int32_t(std::min<std::size_t>(max_bytes > 3 ? max_bytes - 3 : 0, INT32_MAX));
        U8_SET_CP_START(reinterpret_cast<const uint8_t*>(text.data()), 0, at);
        text.resize(std::size_t(at));
        cut = marked = true;
    }
    if (cut) drop_secret_start(text, compiled);
    if (marked) text += "...";
    return text;
}

}  // namespace cart_abandon
