// What one call did, counted by result: the run log's figures (cart_abandon.runs) and a run's summary.
#pragma once

#include "core/no_postgres.hpp"

namespace cart_abandon {

struct RunTotals {
    int examined = 0;
    int sent_first = 0;
    int sent_second = 0;
    int failed = 0;
    int retry = 0;
    int skipped = 0;
    int held = 0;
    int imported = 0;  // the previous system's reminders recorded
    int would_send = 0;
};

}  // namespace cart_abandon
