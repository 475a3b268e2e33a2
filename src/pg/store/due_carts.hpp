// Selecting the next batch of carts that have a reminder due (the keyset scan). Statements in
// src/pg/store/due_candidates.cpp (collecting the candidates) and src/pg/store/due_carts.cpp (the rest).
#pragma once

#include <cstddef>
#include <cstdint>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/config.hpp"
#include "core/contact/phone.hpp"
#include "core/model/cart.hpp"
#include "core/model/vocabulary.hpp"
#include "core/rules/channel_turn.hpp"
#include "core/rules/stage.hpp"

namespace pg {

using cart_abandon::DueCart;
using cart_abandon::StageRow;

// Which carts a selection examines. Full: every cart active inside the max-age window.
// Incremental: only carts that can have come due since `since`, the start of the last run that
// examined every candidate it had (see cart_abandon.runs.scan).
struct CandidateScan {
    bool incremental = false;
    cart_abandon::Timestamp since{};
};

// The carts that have a stage due by the same rule as cart_abandon::due_stage (open, with a
// live line item), in id order after a cursor, a batch at a time. Finding the candidates (index
// range scans over every change in the scanned times) is the costly part, and costs the same
// however few of them are kept, so it is done once per kCandidateChunk candidates, not once per
// batch, where a backlog would pay it again for every batch: at a million carts the window holds
// about 50,000, collected in one pass. A cart that becomes a candidate after the chunk holding its
// id was collected waits for the next run, whose scan covers it.
// A dry run's rows as its earlier passes would have written them (it writes none): a later
// pass of the call reads them beside the ledger's, so that the stage a channel would hand on is
// the next channel's in the preview too. By cart id, then stage (index 0: stage 1).
using PretendRows = std::map<std::string, std::array<std::vector<cart_abandon::ChannelStageRow>, 2>>;

// `cart_ids` in the cursor's order (the database's collation): one statement.
std::vector<std::string> in_cursor_order(const std::vector<std::string>& cart_ids);

class DueCartQueue {
public:
    static constexpr int kCandidateChunk = 100000;

    // `up_to_cart_id`: the last cart the queue may hold, when set (a later pass of
    // cart_abandon_process, bounded by an earlier pass's full batch so that the cursor skips no cart).
    DueCartQueue(std::string after_cart_id, CandidateScan scan, std::optional<std::string> up_to_cart_id = {});

    // The next (up to) `limit` due carts for the pass on `channel`, each examined at `now` by its
    // ledger rows on every channel as that pass sees them (each stage's channel order in `orders`:
    // cart_abandon::stage_turn). `consent_key` and `consent_required`: cart_abandon.consent_key
    // and require_consent.
    // `pretend`: a dry run's rows of earlier passes (nullptr: none).
    std::vector<DueCart> next(cart_abandon::ChannelKind channel, const cart_abandon::StageOrders& orders,
                              const cart_abandon::Timing& timing, cart_abandon::Timestamp now, int limit,
                              const std::string& consent_key, bool consent_required,
                              const PretendRows* pretend = nullptr);

private:
    void collect_candidates(const cart_abandon::Timing& timing, cart_abandon::Timestamp now);

    // The collected candidates, sorted, end to end: a chunk of ids of about 30 bytes takes about
    // 3.5 MB, not the 7 MB or more of as many strings. Those before position_ are examined.
    struct Candidates {
        std::string text;
        std::vector<uint32_t> ends;
        std::size_t size() const { return ends.size(); }
        bool empty() const { return ends.empty(); }
        std::string at(std::size_t i) const {
            const std::size_t begin = i == 0 ? 0 : ends[i - 1];
            return text.substr(begin, ends[i] - begin);
        }
        void add(std::string_view id) {
            text.append(id);
            ends.push_back(uint32_t(text.size()));
        }
        void clear() {
            text.clear();
            ends.clear();
        }
    };

    std::string last_collected_;  // the cursor, then the last candidate collected
    CandidateScan scan_;
    std::optional<std::string> up_to_;
    Candidates candidates_;
    std::size_t position_ = 0;
    bool all_collected_ = false;
};

}  // namespace pg
