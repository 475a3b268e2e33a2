#include "pg/base/sync_replication.hpp"

#include "pg/base/boundary.hpp"

extern "C" {
#include <access/xact.h>
#include <access/xlog.h>
#include <replication/syncrep.h>
#include <replication/walsender.h>
#include <replication/walsender_private.h>
#include <storage/lwlock.h>
}

namespace pg {

bool last_commit_replicated() {
    return guarded([] {
        if (max_wal_senders <= 0 || WalSndCtl == nullptr || XactLastCommitEnd == InvalidXLogRecPtr) return true;
        // The level the claims committed at: theirs raises 'off' to 'on' (src/pg/store/ledger.cpp).
        const int level = synchronous_commit == SYNCHRONOUS_COMMIT_OFF ? SYNCHRONOUS_COMMIT_ON : synchronous_commit;
        int mode;
        switch (level) {
            case SYNCHRONOUS_COMMIT_REMOTE_WRITE: mode = SYNC_REP_WAIT_WRITE; break;
            case SYNCHRONOUS_COMMIT_REMOTE_FLUSH: mode = SYNC_REP_WAIT_FLUSH; break;
            case SYNCHRONOUS_COMMIT_REMOTE_APPLY: mode = SYNC_REP_WAIT_APPLY; break;
            default: return true;  // 'local': no standby was waited for (the in-flight window)
        }
        // Whether synchronous standbys are named now, as the checkpointer publishes it (a waiting
        // backend does not reload its configuration: a wait ended because the setting went is
        // no cancel).
        LWLockAcquire(SyncRepLock, LW_SHARED);
#ifdef SYNC_STANDBY_DEFINED
        const bool defined = (WalSndCtl->sync_standbys_status & SYNC_STANDBY_DEFINED) != 0;
#else
        const bool defined = WalSndCtl->sync_standbys_defined;
#endif
        const XLogRecPtr confirmed = WalSndCtl->lsn[mode];
        LWLockRelease(SyncRepLock);
        return !defined || confirmed >= XactLastCommitEnd;
    });
}

}  // namespace pg
