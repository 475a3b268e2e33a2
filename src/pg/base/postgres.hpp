// The PostgreSQL C headers most of src/pg needs; a file that needs more (background workers,
// shared memory, the GUC table) adds them after this one. Include it after every standard C++
// header (port.h turns printf and friends into macros that would break <cstdio> and others) and
// after every header of src/core, which refuse to follow it (core/no_postgres.hpp): so in src/pg,
// the headers that bring it in (base/: boundary, spi, spi_values, arguments, subtransaction;
// worker/worker.hpp) come last.
#pragma once

extern "C" {
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/latch.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"
}
