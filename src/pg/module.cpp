// The library's entry: module magic, and each part's settings and shared memory at load.
#include "pg/settings.hpp"
#include "pg/shmem/shared_limiter.hpp"
#include "pg/base/boundary.hpp"
#include "pg/base/spi.hpp"

extern "C" {

PG_MODULE_MAGIC;

void _PG_init(void);

void _PG_init(void) {
    // No C++ object is alive here, so PostgreSQL may raise errors directly.
    pg::define_run_settings();
    pg::define_delivery_settings();
    pg::define_whatsapp_settings();
    pg::define_audience_settings();
    pg::define_sms_settings();
    pg::define_email_settings();
    pg::define_secret_settings();
    MarkGUCPrefixReserved("cart_abandon");
    // Shared memory is reserved at server start only: a library loaded later paces each call alone.
    if (process_shared_preload_libraries_in_progress) pg::request_shared_limiter();
}
}
