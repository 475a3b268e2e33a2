// The core is PostgreSQL-free: it builds and is unit-tested without the server, and the server's
// headers would change it (port.h turns printf and friends into macros; PostgreSQL's types and
// its longjmp-based errors do not belong here). Every header of src/core includes this one first,
// so a PostgreSQL header seen before any of them stops the build. No include guard: the check
// must run at each inclusion. `make check-no-postgres` proves it.
#if defined(PG_VERSION_NUM) || defined(POSTGRES_H)
#error "a PostgreSQL header came before a header of src/core: include pg/base/postgres.hpp after the core's headers"
#endif
