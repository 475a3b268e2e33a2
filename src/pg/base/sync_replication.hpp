// Whether this backend's last commit reached the synchronous standbys it waited for. PostgreSQL
// turns a cancel of that wait (statement_timeout, pg_cancel_backend) into a WARNING and keeps the
// commit local: claims committed so must not be sent, or a failover at that moment could send
// them again (src/pg/base/sync_replication.cpp).
#pragma once

namespace pg {

// False only when the last commit waited (or should have waited) for synchronous standbys
// (synchronous_standby_names set; synchronous_commit remote_write, on, remote_apply, or off as the
// claims raise it to on) and they have not confirmed it. Must run right after that commit.
bool last_commit_replicated();

}  // namespace pg
