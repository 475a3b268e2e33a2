// What follows from a batch's committed outcomes (see batch_follow_ups.hpp).
#include "pg/batch/follow_ups.hpp"
#include "core/channels/whatsapp/cloud_api.hpp"
#include "pg/store/cart_metadata.hpp"
#include "pg/store/kept_statuses.hpp"
#include "pg/store/ledger.hpp"
#include "pg/store/meta_limits.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/subtransaction.hpp"

namespace pg {

void follow_up_outcomes(RunState& state, RecordedBatch&& recorded, BatchResult& result,
                        const std::function<void()>& commit,
                        const std::function<void(const BatchResult&)>& outcomes_written) {
    try {
        // Statuses Meta reported before these outcomes were recorded, in a transaction of their
        // own that takes the webhook lock before any row lock, as webhook calls do.
        in_subtransaction([&] {
            StatusResult kept =
                apply_kept_statuses(state.call.channel->kind(), recorded.claims, state.call.config.timing.max_attempts);
            recorded.metadata_pending.insert(recorded.metadata_pending.end(), kept.metadata_pending.begin(),
                                             kept.metadata_pending.end());
            if (!recorded.halted_now) record_pause_of(state.call.channel->kind(), kept);
        });
        commit();
        in_subtransaction([&] {
            add_pending_opt_outs();
            record_country_restrictions(
                state.call.settings.whatsapp_phone_number_id, recorded.restricted,
                std::chrono::time_point_cast<cart_abandon::Microseconds>(
                    std::chrono::system_clock::now() + std::chrono::seconds(cart_abandon::kCountryRestrictionSeconds)),
                recorded.restriction_text);
            if (recorded.halted_now)
                record_channel_paused(state.call.channel->kind(), state.channel.halt_code, state.channel.halt_reason);
            else if (recorded.any_sent && state.channel.paused_code)
                record_channel_sending(state.call.channel->kind());
            outcomes_written(result);
            make_commit_durable();  // what follows from a send is as durable as the send's record
        });
        commit();
        state.metadata.add(write_cart_metadata(recorded.metadata_pending, [&] {
            make_commit_durable();
            commit();
        }));
    } catch (const PgError&) {
        result.interrupted = std::current_exception();
    }
}

}  // namespace pg
