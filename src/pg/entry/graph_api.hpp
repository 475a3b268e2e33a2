// The Graph API version of cart_abandon.whatsapp_api_url and how long Meta serves it
// (src/core/channels/whatsapp/graph_versions.hpp): for the stats, and a run's NOTICE 90 days ahead.
#pragma once

namespace pg {

// NOTICE when the configured version is within 90 days of its end (or older than every version
// Meta's table names): Meta then routes its calls to the next version without a word.
void notice_graph_version_expiring();

}  // namespace pg
